"""The SQL of a product page's cost read (``reads.py``), in its two forms: for given root ids, and for the
rows of an enclosing statement's ``page`` CTE (``repository.ProductRepository.page``), so that a list page
reads its rows and their cost inputs in one statement. Kept apart from ``reads.py`` so the repository can
use it without an import cycle.

One row, one column: a JSON array of five arrays (parts, child products, model heads with their BOM
lines and components nested, filament types, prices) as ``text``.
"""

from __future__ import annotations

from sqlalchemy import TextClause, text

_BODY = """
with recursive tree(id, depth) as (
    select r, 0 from unnest({roots}) as r
    union
    select pc.child_product_id, t.depth + 1
    from tree t join catalog.product_children pc on pc.product_id = t.id
    where t.depth < 21
),
ids as (select distinct id from tree),
parts as (
    select 0 as kind, pm.id, pm.product_id, pm.model_id as ref, pm.quantity
    from catalog.product_models pm where pm.product_id = any(array(select id from ids))
    union all
    select 1, pc.id, pc.product_id, pc.child_product_id, pc.quantity
    from catalog.product_children pc where pc.product_id = any(array(select id from ids))
),
mids as (select distinct ref as id from parts where kind = 0),
mats as (
    select mm.id, mm.model_id, mm.filament_type_id, mm.grams, mm.position
    from catalog.model_materials mm where mm.model_id = any(array(select id from mids))
)
select json_build_array(
  (select json_agg(json_build_array(kind, product_id, ref, quantity) order by kind, id) from parts),
  (select json_agg(json_build_array(p.id, p.sku, p.name, p.packaging_cost, p.assembly_minutes))
     from catalog.products p
     where p.tenant_id = :tenant and p.id = any(array(select id from ids))
       and p.id <> all({roots})),
  (select json_agg(json_build_array(
            m.id, m.sku, m.name, m.labor_minutes, m.labor_rate_override, m.overhead_pct_override,
            a.cost, a.units, b.lines, c.lines))
     from catalog.models m
     left join (select rc.model_id, sum(rc.successful_units * rc.actual_unit_cost) as cost,
                       sum(rc.successful_units) as units
                from catalog.run_contributions rc
                where rc.model_id = any(array(select id from mids)) and rc.actual_unit_cost is not null
                  and rc.successful_units > 0
                group by rc.model_id) a on a.model_id = m.id
     left join (select mm.model_id,
                       json_agg(json_build_array(mm.filament_type_id, mm.grams) order by mm.position, mm.id)
                         as lines
                from mats mm group by mm.model_id) b on b.model_id = m.id
     left join (select mc.model_id,
                       json_agg(json_build_array(mc.quantity, mc.unit_cost) order by mc.position, mc.id)
                         as lines
                from catalog.model_components mc where mc.model_id = any(array(select id from mids))
                group by mc.model_id) c on c.model_id = m.id
     where m.tenant_id = :tenant and m.id = any(array(select id from mids))),
  (select json_agg(json_build_array(ft.id, ft.cost_per_gram, ft.cost_is_estimate))
     from catalog.filament_types ft
     where ft.tenant_id = :tenant and ft.is_deleted is false
       and ft.id = any(array(select distinct filament_type_id from mats))),
  (select json_agg(json_build_array(pp.product_id, c.id, c.name, c.platform, c.fee_pct, c.fixed_fee,
                                    pp.price) order by c.name, c.id)
     from catalog.product_prices pp join catalog.sales_channels c on c.id = pp.sales_channel_id
     where pp.product_id = any(array(select unnest({roots}))))
)::text
"""

#: The cost read of ``:roots`` (a ``uuid[]``) for tenant ``:tenant``.
INPUTS: TextClause = text(_BODY.format(roots="cast(:roots as uuid[])"))
#: The same read of the ids in the enclosing statement's ``page`` CTE (``:tenant`` still bound).
PAGE_INPUTS: str = _BODY.format(roots="array(select id from page)")
