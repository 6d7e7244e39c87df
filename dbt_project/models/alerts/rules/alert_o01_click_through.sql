{#- O01 刷课 click-through online learning (orange), two patterns:
    fast     - a record reaching var('o01_complete_pct') progress whose recorded time is under
               var('o01_min_time_share') of module_minutes: one finding per record;
    parallel - a learner completing var('o01_parallel_modules') or more modules in parallel
               (completed records of different modules open at the same moment; the peak is
               always at some record's start): one finding per learner, class and day. -#}
{{ config(schema='alerts') }}
with

records as (
    select * from {{ ref('fct_online_learning') }}
    where started_at is not null and ended_at is not null
),

completed as (
    select * from records
    where progress_pct >= {{ var('o01_complete_pct') }} and person_pseudo is not null
),

fast as (
    select
        *,
        cast(round(100 * recorded_minutes / nullif(module_minutes, 0)) as integer) as time_pct
    from completed
    where recorded_minutes < {{ var('o01_min_time_share') }} * module_minutes
),

open_at_start as (
    -- at each completed record's start: the completed modules of the same person open then
    select
        anchor.record_key,
        anchor.class_key,
        anchor.person_pseudo,
        anchor.learning_date,
        count(distinct other.module_id) as modules,
        string_agg(distinct other.module_id, '、' order by other.module_id) as module_list
    from completed as anchor
    inner join completed as other
        on anchor.person_pseudo = other.person_pseudo
        and anchor.district_code = other.district_code
        and other.started_at <= anchor.started_at
        and anchor.started_at < other.ended_at
    group by anchor.record_key, anchor.class_key, anchor.person_pseudo, anchor.learning_date
),

parallel as (
    select
        open_at_start.class_key,
        open_at_start.person_pseudo,
        open_at_start.learning_date,
        max(open_at_start.modules) as modules,
        arg_max(open_at_start.module_list, open_at_start.modules) as module_list,
        min(completed.record_id) as first_record_id
    from open_at_start
    inner join completed on open_at_start.record_key = completed.record_key
    where open_at_start.modules >= {{ var('o01_parallel_modules') }}
    group by open_at_start.class_key, open_at_start.person_pseudo, open_at_start.learning_date
),

people as (
    select person_pseudo, class_key, any_value(id_number_masked) as id_number_masked,
        any_value(district_code) as district_code, any_value(institution_key) as institution_key,
        any_value(class_id) as class_id
    from records
    group by person_pseudo, class_key
),

final as (
    select
        'O01' as rule_code,
        'orange' as level,
        'class' as scope,
        district_code,
        split_part(institution_key, ':', 2) as institution_id,
        class_id,
        cast(null as varchar) as session_id,
        cast(null as varchar) as enrolment_id,
        'fast|' || record_id as subject_id,
        learning_date as event_date,
        '线上学习记录 ' || record_id || '（' || coalesce(id_number_masked, '?') || '）模块 '
            || module_id || ' 时长 ' || module_minutes || ' 分钟，实际学习 '
            || round(recorded_minutes, 1) || ' 分钟（' || time_pct || '%，低于 '
            || round(100 * {{ var('o01_min_time_share') }}, 0) || '%）而进度达 '
            || cast(round(progress_pct) as integer) || '%' as evidence
    from fast
    union all
    select
        'O01',
        'orange',
        'class',
        people.district_code,
        split_part(people.institution_key, ':', 2),
        people.class_id,
        null,
        null,
        'parallel|' || parallel.first_record_id,
        parallel.learning_date,
        '学员 ' || coalesce(people.id_number_masked, '?') || ' 于 ' || parallel.learning_date
            || ' 同时完成 ' || parallel.modules || ' 个模块（' || parallel.module_list || '）'
    from parallel
    inner join people
        on parallel.person_pseudo = people.person_pseudo
        and parallel.class_key = people.class_key
)

select * from final
