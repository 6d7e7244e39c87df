{#- 预警明细 Every finding of the rules W01-W17, O01-O04 and D01-D02 in one shape: one row per detected
    fact (a class, session, enrolment, claim, camera or delivery), with its evidence in words.
    The alerts are roll-ups of these (alert_candidates); evaluation against the simulator's
    truth reads this grain (pipelines/alerts/evaluate.py). -#}
{%- set rules = [
    'alert_w01_unfiled_class', 'alert_w02_class_without_video', 'alert_w03_headcount_mismatch',
    'alert_w04_double_attendance', 'alert_w05_reused_photo', 'alert_w06_regular_checkins',
    'alert_w07_weak_face_match', 'alert_w08_claim_without_attendance',
    'alert_w09_teacher_not_compliant', 'alert_w10_institution_not_licensed',
    'alert_w11_camera_fault', 'alert_w12_hours_short', 'alert_w13_smoking',
    'alert_w14_late_delivery', 'alert_w15_repeated_claim', 'alert_w16_over_capacity',
    'alert_w17_non_enrolled_checkin',
    'alert_o01_click_through', 'alert_o02_concurrent_learning', 'alert_o03_proxy_learning',
    'alert_o04_face_check_failures',
    'alert_d01_repair_overdue', 'alert_d02_patrol_overdue',
] -%}
{{ config(schema='marts') }}

with

unioned as (
    {%- for rule in rules %}
    select
        rule_code, level, scope, district_code, institution_id, class_id, session_id,
        enrolment_id, subject_id, event_date, evidence
    from {{ ref(rule) }}
    {{- '\n    union all' if not loop.last }}
    {%- endfor %}
),

final as (
    select
        md5(concat_ws('|', rule_code, district_code, institution_id, class_id, session_id,
            enrolment_id, subject_id, event_date)) as finding_id,
        *
    from unioned
)

select * from final
