-- depends_on: {{ source('elearning', 'notifications') }}

with

source as (
    {{ optional_source('elearning', 'notifications') }}
),

renamed as (
    select
        notification_id,
        learner_id,
        channel,
        kind as notification_kind,
        sent_at,
        cast(sent_at as date) as sent_day,
        status as delivery_status
    from source
)

select * from renamed
