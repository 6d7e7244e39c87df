-- depends_on: {{ source('cameras', 'photo_reuse') }}

with

source as (
    {{ optional_source('cameras', 'photo_reuse') }}
),

renamed as (
    select
        photo_a || ':' || photo_b as photo_pair_key,
        photo_a,
        photo_b,
        method as matched_by,
        distance as hash_distance,
        similarity,
        reused as is_reused,
        found_at,
        record_a,
        person_a as person_a_pseudo,
        day_a,
        session_a,
        {{ district_key('class_a', 'district_a') }} as class_a_key,
        district_a,
        record_b,
        person_b as person_b_pseudo,
        day_b,
        session_b,
        {{ district_key('class_b', 'district_b') }} as class_b_key,
        district_b,
        finding
    from source
)

select * from renamed
