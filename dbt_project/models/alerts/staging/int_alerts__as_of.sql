{#- The newest data day the rules evaluate up to: var('alerts_as_of_date') when set, else the
    latest data day of any accepted delivery (a district's nightly file of day D lands on
    D+1, so "today" would always look one day short). -#}
{{ config(schema='alerts') }}
with

deliveries as (
    select * from {{ ref('fct_deliveries') }}
),

final as (
    select
        {% if var('alerts_as_of_date') %}
        cast('{{ var("alerts_as_of_date") }}' as date) as as_of_date
        {% else %}
        coalesce(max(data_day_max), current_date) as as_of_date
        {% endif %}
    from deliveries
    where delivery_status in ('accepted', 'partial')
)

select * from final
