with

pairs as (
    select * from {{ ref('stg_cameras__photo_reuse') }}
),

final as (
    select
        photo_pair_key,
        photo_a,
        photo_b,
        matched_by,
        hash_distance,
        similarity,
        is_reused,
        finding,
        found_at,
        record_a,
        person_a_pseudo,
        day_a,
        session_a,
        class_a_key,
        district_a,
        record_b,
        person_b_pseudo,
        day_b,
        session_b,
        class_b_key,
        district_b,
        -- the two W05 forms: one image for different people, or one person on other days
        person_a_pseudo <> person_b_pseudo as is_different_people,
        person_a_pseudo = person_b_pseudo and day_a <> day_b as is_same_person_other_day
    from pairs
)

select * from final
