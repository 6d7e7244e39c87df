-- the sixteen districts, from the contract (seed generated from pipelines/contract)
with

districts as (
    select * from {{ ref('contract_districts') }}
),

final as (
    select
        district_code,
        district_name_zh
    from districts
)

select * from final
