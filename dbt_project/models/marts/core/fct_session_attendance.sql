-- one row per person and session: paired punches and credited hours (rules in
-- int_attendance__person_sessions)
with

person_sessions as (
    select * from {{ ref('int_attendance__person_sessions') }}
),

final as (
    select * from person_sessions
)

select * from final
