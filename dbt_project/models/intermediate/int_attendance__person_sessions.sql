{#- One row per person and session they punched for: check-in and check-out paired, and the
    hours credited.

    Pairing: the first 签到 and the last 签退 of the person in the session. Credited hours =
    the session's declared hours (课时) x the share of the scheduled time covered between
    check-in and check-out (clipped to the session), and the whole declared hours when at most
    var('full_session_tolerance_minutes') are missing. 课时 may be class periods rather than
    clock hours, hence the proportion rather than clock minutes.

    A check-in without a check-out: var('credit_unpaired_checkin') false (default) credits 0
    hours - subsidies are paid on evidenced hours and a missing check-out is exactly what a
    proxy check-in looks like; true credits from the check-in to the scheduled end. Either way
    pair_status = 'check_in_only' keeps the case visible. -#}
{%- set credit_unpaired = 'true' if var('credit_unpaired_checkin') else 'false' -%}

with

punches as (
    select * from {{ ref('stg_district_feeds__attendance') }}
),

sessions as (
    select * from {{ ref('int_sessions__scheduled') }}
),

enrolments as (
    -- a person enrolled twice in one class is matched to the earliest enrolment
    select class_key, person_pseudo, enrolment_key
    from {{ ref('stg_district_feeds__enrolments') }}
    qualify row_number() over (
        partition by class_key, person_pseudo order by enrolled_on, enrolment_key
    ) = 1
),

per_person as (
    select
        session_key,
        district_code,
        class_key,
        person_pseudo,
        min(id_number_masked) as id_number_masked,
        min(checked_at) filter (where punch_kind = '签到') as first_check_in,
        max(checked_at) filter (where punch_kind = '签退') as last_check_out,
        count(*) filter (where punch_kind = '签到') as check_ins,
        count(*) filter (where punch_kind = '签退') as check_outs,
        bool_or(punch_method = '人脸') as any_face_punch,
        min(face_score) as min_face_score
    from punches
    group by all
),

paired as (
    select
        per_person.*,
        sessions.starts_at,
        sessions.ends_at,
        sessions.session_date,
        sessions.session_month,
        sessions.scheduled_minutes,
        sessions.declared_hours,
        sessions.occupation_code,
        case
            when first_check_in is null then 'check_out_only'
            when last_check_out is null then 'check_in_only'
            when last_check_out <= first_check_in then 'out_before_in'
            else 'paired'
        end as pair_status,
        greatest(first_check_in, sessions.starts_at) as covered_from,
        -- explicit cases: DuckDB's least() skips nulls, which would credit unpaired check-ins
        case
            when last_check_out > first_check_in then least(last_check_out, sessions.ends_at)
            when last_check_out is null and {{ credit_unpaired }} then sessions.ends_at
        end as covered_to
    from per_person
    inner join sessions on per_person.session_key = sessions.session_key
),

credited as (
    select
        paired.*,
        greatest(coalesce(date_diff('second', covered_from, covered_to), 0), 0) / 60.0
            as covered_minutes
    from paired
),

final as (
    select
        credited.session_key || ':' || credited.person_pseudo as person_session_key,
        credited.session_key,
        credited.district_code,
        credited.class_key,
        enrolments.enrolment_key,
        -- false: a check-in by someone not enrolled in the class (accepted, W17's evidence)
        enrolments.enrolment_key is not null as is_enrolled,
        credited.person_pseudo,
        credited.id_number_masked,
        credited.occupation_code,
        credited.session_date,
        credited.session_month,
        credited.starts_at,
        credited.ends_at,
        credited.first_check_in,
        credited.last_check_out,
        credited.check_ins,
        credited.check_outs,
        credited.pair_status,
        credited.any_face_punch,
        credited.min_face_score,
        credited.scheduled_minutes,
        round(credited.covered_minutes, 2) as covered_minutes,
        case
            when credited.covered_minutes <= 0 then 0.0
            when credited.covered_minutes
                >= credited.scheduled_minutes - {{ var('full_session_tolerance_minutes') }}
                then credited.declared_hours
            else round(
                credited.declared_hours * credited.covered_minutes / credited.scheduled_minutes, 2
            )
        end as attended_hours
    from credited
    left join enrolments
        on credited.class_key = enrolments.class_key
        and credited.person_pseudo = enrolments.person_pseudo
)

select * from final
