{#- The sources a node reads, directly or through other models: a sorted list of
    "<source_name>.<table>" (graph walk at execution time; an empty list while parsing). -#}
{% macro upstream_sources(unique_id) -%}
    {%- set found = [] -%}
    {%- set seen = [] -%}
    {%- do _collect_upstream_sources(unique_id, found, seen) -%}
    {{- return(found | unique | sort) -}}
{%- endmacro %}

{% macro _collect_upstream_sources(unique_id, found, seen) -%}
    {%- if execute and unique_id not in seen -%}
        {%- do seen.append(unique_id) -%}
        {%- if unique_id in graph.sources -%}
            {%- set src = graph.sources[unique_id] -%}
            {%- do found.append(src.source_name ~ '.' ~ src.name) -%}
        {%- elif unique_id in graph.nodes -%}
            {%- for parent in graph.nodes[unique_id].depends_on.nodes -%}
                {%- do _collect_upstream_sources(parent, found, seen) -%}
            {%- endfor -%}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
