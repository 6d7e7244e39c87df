{#- 巡检画面核验 Each completed patrol (巡检) tied to its camera's picture that day: the frames
    analysed on the patrol's day and how many were dark, covered, out of focus, moved or
    frozen, so that a patrol signed off as 完成 while the picture was faulty is visible.
    A completed relocation (移机) sets a new position reference: moved frames are counted
    only after the camera's last relocation before the patrol (last_relocated_at); frames
    of the relocation day itself before it are the old site. -#}
with

patrols as (
    select * from {{ ref('int_operations__work_orders') }}
    where order_kind = '巡检' and is_done
),

relocations as (
    select camera_id, happened_at
    from {{ ref('fct_camera_history') }}
    where event = 'relocated'
),

frames as (
    select * from {{ ref('stg_alerts__camera_frames') }}
    where status = 'ok'
),

placed as (
    select
        patrols.order_id,
        max(relocations.happened_at) as last_relocated_at
    from patrols
    left join relocations
        on patrols.camera_id = relocations.camera_id
        and relocations.happened_at <= patrols.closed_at
    group by patrols.order_id
),

day_frames as (
    select
        patrols.order_id,
        count(frames.captured_at) as frames,
        count(*) filter (where frames.dark) as dark_frames,
        count(*) filter (where frames.covered) as covered_frames,
        count(*) filter (where frames.out_of_focus) as out_of_focus_frames,
        count(*) filter (where frames.frozen) as frozen_frames,
        count(*) filter (
            where frames.moved
                and (placed.last_relocated_at is null or frames.captured_at > placed.last_relocated_at)
        ) as moved_frames
    from patrols
    inner join placed on patrols.order_id = placed.order_id
    left join frames
        on patrols.camera_id = frames.camera_id
        and cast(frames.captured_at as date) = cast(patrols.closed_at as date)
    group by patrols.order_id
),

final as (
    select
        patrols.order_id,
        patrols.camera_id,
        patrols.district_code,
        patrols.institution_id,
        patrols.closed_at as patrolled_at,
        cast(patrols.closed_at as date) as patrol_date,
        patrols.order_result,
        placed.last_relocated_at,
        day_frames.frames,
        day_frames.dark_frames,
        day_frames.covered_frames,
        day_frames.out_of_focus_frames,
        day_frames.frozen_frames,
        day_frames.moved_frames,
        case
            when day_frames.frames = 0 then 'no_frames'
            when day_frames.dark_frames + day_frames.covered_frames
                + day_frames.out_of_focus_frames + day_frames.frozen_frames
                + day_frames.moved_frames > 0 then 'faults'
            else 'ok'
        end as picture_status
    from patrols
    inner join placed on patrols.order_id = placed.order_id
    inner join day_frames on patrols.order_id = day_frames.order_id
)

select * from final
