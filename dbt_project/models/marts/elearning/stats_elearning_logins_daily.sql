{#- 登录统计: per day, logins, failed logins and password resets, and their rates
    (failure rate = failed / attempts; reset rate = resets / learners who logged in). -#}
with

events as (
    select * from {{ ref('stg_elearning__events') }}
    where event_type in ('login', 'login_failed', 'password_reset')
),

final as (
    select
        event_day,
        count(*) filter (where event_type = 'login') as logins,
        count(*) filter (where event_type = 'login_failed') as failed_logins,
        count(*) filter (where event_type = 'password_reset') as password_resets,
        count(distinct learner_id) filter (where event_type = 'login') as learners_logged_in,
        count(*) filter (where event_type = 'login_failed')
            / nullif(count(*) filter (where event_type in ('login', 'login_failed')), 0)
            as login_failure_rate,
        count(*) filter (where event_type = 'password_reset')
            / nullif(count(distinct learner_id) filter (where event_type = 'login'), 0)
            as password_reset_rate
    from events
    group by event_day
)

select * from final
