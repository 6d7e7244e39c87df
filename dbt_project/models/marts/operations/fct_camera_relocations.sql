{#- 移机 Completed relocations: each one closes a camera's old site and opens the new one (the
    camera's position reference starts again from this date), with the previous relocation
    of the same camera and the days between. -#}
with

history as (
    select * from {{ ref('fct_camera_history') }}
    where event = 'relocated'
),

final as (
    select
        order_id,
        camera_id,
        district_code,
        institution_id,
        happened_at as relocated_at,
        cast(happened_at as date) as relocated_on,
        site_number as new_site_number,
        lag(happened_at) over (partition by camera_id order by happened_at)
            as previous_relocation_at,
        date_diff('day', lag(happened_at) over (partition by camera_id order by happened_at),
            happened_at) as days_since_previous
    from history
)

select * from final
