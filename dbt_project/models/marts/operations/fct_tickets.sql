{#- 客服工单明细: each ticket with its week and month, hours to resolution, and whether it
    repeats a problem: an earlier ticket of the same district and category opened within
    var('tickets_repeat_days') days before it. The summary only masked. -#}
with

tickets as (
    select * from {{ ref('stg_operations__tickets') }}
),

earlier as (
    select
        later.ticket_id,
        max(before.opened_at) as previous_opened_at,
        arg_max(before.ticket_id, before.opened_at) as previous_ticket_id
    from tickets as later
    inner join tickets as before
        on later.district_code = before.district_code
        and later.category = before.category
        and before.ticket_id <> later.ticket_id
        and before.opened_at <= later.opened_at
        and (before.opened_at < later.opened_at or before.ticket_id < later.ticket_id)
        and before.opened_at >= later.opened_at - interval {{ var('tickets_repeat_days') }} day
    group by later.ticket_id
),

final as (
    select
        tickets.ticket_id,
        tickets.channel,
        tickets.category,
        tickets.district_code,
        tickets.opened_at,
        tickets.closed_at,
        cast(date_trunc('week', tickets.opened_at) as date) as opened_week,
        cast(date_trunc('month', tickets.opened_at) as date) as opened_month,
        tickets.ticket_status,
        tickets.ticket_status in ('已解决', '已关闭') as is_resolved,
        round(date_diff('minute', tickets.opened_at, tickets.closed_at) / 60.0, 2)
            as hours_to_resolution,
        tickets.satisfaction,
        earlier.ticket_id is not null as is_repeat,
        earlier.previous_ticket_id,
        tickets.summary_masked,
        tickets.delivered_at
    from tickets
    left join earlier on tickets.ticket_id = earlier.ticket_id
)

select * from final
