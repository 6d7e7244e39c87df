{#- 维修时效 per district and month of opening: repairs opened, repaired, still open, the
    median and 90th percentile of hours to repair, and the share repaired within the service
    level (var('d01_repair_hours'), the standard's 48 hours) of those opened. -#}
with

repairs as (
    select * from {{ ref('int_operations__work_orders') }}
    where order_kind = '维修'
),

final as (
    select
        district_code,
        opened_month,
        count(*) as repairs_opened,
        count(*) filter (where is_done) as repairs_done,
        count(*) filter (where is_open) as repairs_open,
        round(median(hours_open) filter (where is_done), 2) as median_hours_to_repair,
        round(quantile_cont(hours_open, 0.9) filter (where is_done), 2) as p90_hours_to_repair,
        round(
            count(*) filter (where is_done and hours_open <= {{ var('d01_repair_hours') }})
            / count(*), 4
        ) as share_within_sla
    from repairs
    group by district_code, opened_month
)

select * from final
