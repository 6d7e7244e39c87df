{#- A source that may not exist yet (a silver table before its asset first ran, dq_results
    before the first validation, the alert register before the first alerts): its rows when
    the lake has it, otherwise an empty relation of the columns declared in the source's
    meta.empty_schema, so everything downstream builds and simply has no rows.

    columns: none = every column (select *); a list = just those; 'declared' = the declared
    ones, so a later column added upstream does not change the model's shape.
    The calling model keeps a `-- depends_on:` line for the source. -#}
{% macro optional_source(source_name, table_name, columns=none) -%}
    {%- set src = source(source_name, table_name) -%}
    {%- set relation = adapter.get_relation(src.database, src.schema, src.identifier) if execute else none -%}
    {%- set node = graph.sources['source.skillwatch.' ~ source_name ~ '.' ~ table_name] if execute else none -%}
    {%- set declared = node.meta.empty_schema if node is not none else {} -%}
    {%- set names = (declared.keys() | list) if columns == 'declared' else columns -%}
    {%- if relation is not none and names is none -%}
    select * from {{ src }}
    {%- elif relation is not none -%}
    select
        {%- for name in names %}
        "{{ name }}"{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ src }}
    {%- else -%}
    {%- set names = names if names is not none else (declared.keys() | list) -%}
    select
        {%- for name in names %}
        cast(null as {{ declared.get(name, 'varchar') }}) as "{{ name }}"{{ ',' if not loop.last }}
        {%- endfor %}
        {%- if not names %} null as no_columns{% endif %}
    where false
    {%- endif -%}
{%- endmacro %}
