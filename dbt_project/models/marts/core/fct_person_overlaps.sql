-- W04: persons checked in to overlapping sessions of two different classes
with

overlapping as (
    select * from {{ ref('int_persons__overlapping_sessions') }}
),

final as (
    select * from overlapping
)

select * from final
