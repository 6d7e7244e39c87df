{#- 通知送达: per day, channel (sms/email) and kind, notifications sent and failed. -#}
with

notifications as (
    select * from {{ ref('stg_elearning__notifications') }}
),

final as (
    select
        sent_day,
        channel,
        notification_kind,
        count(*) as notifications,
        count(*) filter (where delivery_status = 'sent') as delivered,
        count(*) filter (where delivery_status = 'failed') as failed,
        count(*) filter (where delivery_status = 'sent') / count(*) as delivery_rate
    from notifications
    group by sent_day, channel, notification_kind
)

select * from final
