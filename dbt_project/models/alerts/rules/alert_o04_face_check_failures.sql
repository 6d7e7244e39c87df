{#- O04 人脸核验异常 real-name check failures, per online learning record:
    face_failures over var('o04_failure_share') of face_checks: yellow, over
    var('o04_orange_failure_share'): orange; or no face check at all (face_checks 0) in a
    record longer than var('o04_unchecked_minutes'): yellow. A record whose face_checks was
    left blank is not judged unless var('o04_blank_checks_fire'). -#}
{{ config(schema='alerts') }}
with

records as (
    select * from {{ ref('fct_online_learning') }}
),

judged as (
    select
        *,
        face_failures / nullif(face_checks, 0) as failure_share,
        {% if var('o04_blank_checks_fire') -%}
        coalesce(face_checks, 0) = 0
        {%- else -%}
        face_checks = 0
        {%- endif %} and recorded_minutes > {{ var('o04_unchecked_minutes') }} as unchecked
    from records
),

final as (
    select
        'O04' as rule_code,
        case when failure_share > {{ var('o04_orange_failure_share') }} then 'orange'
            else 'yellow' end as level,
        'class' as scope,
        district_code,
        split_part(institution_key, ':', 2) as institution_id,
        class_id,
        cast(null as varchar) as session_id,
        cast(null as varchar) as enrolment_id,
        record_id as subject_id,
        learning_date as event_date,
        '线上学习记录 ' || record_id || '（' || coalesce(id_number_masked, '?') || '，模块 '
            || module_id || '）' || case when unchecked
                then '学习 ' || cast(round(recorded_minutes) as integer) || ' 分钟无任何人脸核验'
                else '人脸核验 ' || face_checks || ' 次失败 ' || face_failures || ' 次（'
                    || cast(round(100 * failure_share) as integer) || '%）' end as evidence
    from judged
    where failure_share > {{ var('o04_failure_share') }} or unchecked
)

select * from final
