{#- W06 考勤规律异常 too-regular check-ins (orange), two forms:
    burst  - within one session (at least var('w06_burst_min_checkins') check-ins),
             var('w06_burst_share') or more of the check-ins fall inside one window of
             var('w06_burst_seconds') seconds starting at a check-in;
    repeat - a class whose check-in clock times repeat to the second for the same person
             across sessions, for at least var('w06_repeat_min_share') of its check-ins, over
             at least var('w06_repeat_min_sessions') sessions. -#}
{{ config(schema='alerts') }}
with

checkins as (
    select *, epoch_ms(checked_at) as t_ms
    from {{ ref('fct_attendance') }}
    where punch_kind = '签到' and session_key is not null
),

classes as (
    select * from {{ ref('dim_class') }}
),

windowed as (
    select
        session_key,
        class_key,
        checked_at,
        count(*) over (
            partition by session_key order by t_ms
            range between current row and {{ var('w06_burst_seconds') * 1000 - 1 }} following
        ) as in_window,
        count(*) over (partition by session_key) as checkins
    from checkins
),

burst as (
    select
        session_key,
        class_key,
        max(checkins) as checkins,
        max(in_window) as best,
        min(checked_at) as first_at
    from windowed
    group by session_key, class_key
    having max(checkins) >= {{ var('w06_burst_min_checkins') }}
        and max(in_window) >= {{ var('w06_burst_share') }} * max(checkins)
),

clock as (
    select
        class_key,
        session_key,
        checked_on,
        count(*) over (
            partition by class_key, person_pseudo, cast(checked_at as time)
        ) > 1 as repeats
    from checkins
),

repeat as (
    select
        class_key,
        avg(case when repeats then 1.0 else 0.0 end) as share,
        count(distinct session_key) as sessions,
        count(*) filter (where repeats) as repeated_checkins,
        min(checked_on) filter (where repeats) as first_repeat_on
    from clock
    group by class_key
    having avg(case when repeats then 1.0 else 0.0 end) >= {{ var('w06_repeat_min_share') }}
        and count(distinct session_key) >= {{ var('w06_repeat_min_sessions') }}
),

findings as (
    select
        class_key,
        split_part(session_key, ':', 2) as session_id,
        'burst' as subject_id,
        cast(first_at as date) as event_date,
        '课次 ' || split_part(session_key, ':', 2) || ' 共 ' || checkins || ' 次签到，其中 ' || best
            || ' 次集中在 {{ var("w06_burst_seconds") }} 秒内（自 ' || strftime(first_at, '%H:%M:%S')
            || '）' as evidence
    from burst
    union all
    select
        class_key,
        null,
        'repeat',
        first_repeat_on,
        '班级 ' || split_part(class_key, ':', 2) || ' 在 ' || sessions || ' 个课次中有 '
            || repeated_checkins || ' 次签到与同一学员其他课次的签到时刻精确到秒相同（占 '
            || round(100 * share, 1) || '%）'
    from repeat
),

final as (
    select
        'W06' as rule_code,
        'orange' as level,
        'class' as scope,
        classes.district_code,
        split_part(classes.institution_key, ':', 2) as institution_id,
        classes.class_id,
        findings.session_id,
        cast(null as varchar) as enrolment_id,
        findings.subject_id,
        findings.event_date,
        findings.evidence
    from findings
    inner join classes on findings.class_key = classes.class_key
)

select * from final
