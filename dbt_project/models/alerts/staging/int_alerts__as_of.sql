{#- The newest data day the rules evaluate up to: var('alerts_as_of_date') when set, else the
    latest data day of any accepted delivery (a district's nightly file of day D lands on
    D+1, so "today" would always look one day short); activity_as_of_date: the same over
    the sessions and attendance feeds only. -#}
{{ config(schema='alerts') }}
with

deliveries as (
    select * from {{ ref('fct_deliveries') }}
),

final as (
    select
        {% if var('alerts_as_of_date') %}
        cast('{{ var("alerts_as_of_date") }}' as date) as as_of_date,
        cast('{{ var("alerts_as_of_date") }}' as date) as activity_as_of_date
        {% else %}
        coalesce(max(data_day_max), current_date) as as_of_date,
        -- the newest day whose sessions or check-ins are in: a register filed today (a class
        -- registered on D, delivered on D) is no sign that D's attendance has arrived, and a
        -- class ending on D is judged on its hours only once it has (W12)
        coalesce(
            max(data_day_max) filter (where feed in ('attendance', 'sessions')),
            max(data_day_max),
            current_date
        ) as activity_as_of_date
        {% endif %}
    from deliveries
    where delivery_status in ('accepted', 'partial')
)

select * from final
