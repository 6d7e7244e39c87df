{#- 客服统计 per ISO week, district, channel and category: tickets, resolved, median and 90th
    percentile hours to resolution, repeat problems (fct_tickets.is_repeat), satisfaction
    answers, their mean and the share satisfied (4 or 5). -#}
with

tickets as (
    select * from {{ ref('fct_tickets') }}
),

final as (
    select
        opened_week,
        district_code,
        channel,
        category,
        count(*) as tickets,
        count(*) filter (where is_resolved) as resolved,
        round(median(hours_to_resolution), 2) as median_hours_to_resolution,
        round(quantile_cont(hours_to_resolution, 0.9), 2) as p90_hours_to_resolution,
        count(*) filter (where is_repeat) as repeats,
        count(satisfaction) as satisfaction_answers,
        round(avg(satisfaction), 2) as mean_satisfaction,
        round(count(*) filter (where satisfaction >= 4) / nullif(count(satisfaction), 0), 4)
            as share_satisfied
    from tickets
    group by opened_week, district_code, channel, category
)

select * from final
