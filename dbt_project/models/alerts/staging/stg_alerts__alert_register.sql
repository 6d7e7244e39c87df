{#- Optional input alert_register: the lake table when it exists, else an empty relation of the
    columns declared in _alerts__sources.yml (meta.empty_schema). -#}
{{ config(schema='alerts') }}

-- depends_on: {{ source('alert_inputs', 'alert_register') }}

with

source as (
    {{ optional_source('alert_inputs', 'alert_register', columns='declared') }}
)

select * from source
