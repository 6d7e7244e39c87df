{#- the bronze lineage columns, renamed once for every staging model -#}
{% macro lineage_columns() -%}
        src_file as delivery_file,
        src_sha256 as delivery_sha256,
        src_row as delivery_row,
        src_delivered_at as delivered_at,
        src_ingested_at as ingested_at
{%- endmacro %}

{#- a surrogate key unique across districts: business keys are unique per district only -#}
{% macro district_key(id_column, district_column='src_district_code') -%}
    ({{ district_column }} || ':' || {{ id_column }})
{%- endmacro %}
