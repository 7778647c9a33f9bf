"""Variance analytics over completed runs (domain.md §4): top runs by |variance|, the daily trend and
per-model averages. Computed from the runs' lines with the same rules as a run's own view."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from batchivo_production.readmodels.service import ReadModels
from batchivo_production.runs import rules
from batchivo_production.runs.models import ProductionRun, RunItem, RunMaterial
from batchivo_production.runs.service import line_of


class AnalyticsService:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def variance(self, tenant_id: uuid.UUID, days: int, top: int) -> dict[str, object]:
        since = datetime.now(UTC).date() - timedelta(days=days - 1)
        runs = list(
            (
                await self.session.execute(
                    select(ProductionRun).where(
                        ProductionRun.tenant_id == tenant_id,
                        ProductionRun.status == rules.Status.completed.value,
                        ProductionRun.run_date >= since,
                    )
                )
            ).scalars()
        )
        ids = [r.id for r in runs]
        lines: dict[uuid.UUID, list[RunMaterial]] = {i: [] for i in ids}
        items: dict[uuid.UUID, list[RunItem]] = {i: [] for i in ids}
        if ids:
            for m in (
                await self.session.execute(select(RunMaterial).where(RunMaterial.run_id.in_(ids)))
            ).scalars():
                lines[m.run_id].append(m)
            for it in (await self.session.execute(select(RunItem).where(RunItem.run_id.in_(ids)))).scalars():
                items[it.run_id].append(it)
        per_run = []
        daily: dict[date, list[Decimal]] = {}
        per_model: dict[uuid.UUID, dict[str, Decimal | int]] = {}
        for run in runs:
            estimated = sum((line_of(m).estimated for m in lines[run.id]), Decimal(0))
            actual = sum((line_of(m).actual or Decimal(0) for m in lines[run.id]), Decimal(0))
            var = rules.variance(estimated, actual)
            planned = sum(i.quantity for i in items[run.id])
            good = sum(i.successful_quantity or 0 for i in items[run.id])
            per_run.append(
                {
                    "run_id": run.id,
                    "run_number": run.run_number,
                    "run_date": run.run_date,
                    "estimated_grams": estimated,
                    "actual_grams": actual,
                    "variance_grams": var.grams if var else None,
                    "variance_pct": var.percent if var else None,
                    "time_variance_hours": rules.time_variance(
                        run.estimated_print_time_hours, run.duration_hours
                    ),
                    "success_rate": rules.success_rate(good, planned),
                }
            )
            bucket = daily.setdefault(run.run_date, [Decimal(0), Decimal(0), Decimal(0), Decimal(0)])
            bucket[0] += estimated
            bucket[1] += actual
            bucket[2] += planned
            bucket[3] += good
            for it in items[run.id]:
                agg = per_model.setdefault(
                    it.model_id, {"runs": 0, "planned": 0, "good": 0, "pct_sum": Decimal(0), "pct_runs": 0}
                )
                agg["runs"] = int(agg["runs"]) + 1
                agg["planned"] = int(agg["planned"]) + it.quantity
                agg["good"] = int(agg["good"]) + (it.successful_quantity or 0)
                if var is not None and var.percent is not None:
                    agg["pct_sum"] = Decimal(agg["pct_sum"]) + var.percent
                    agg["pct_runs"] = int(agg["pct_runs"]) + 1
        per_run.sort(key=lambda r: abs(r["variance_grams"] or Decimal(0)), reverse=True)  # type: ignore[arg-type]
        models = await ReadModels(self.session).models(tenant_id, set(per_model))
        return {
            "days": days,
            "runs": len(runs),
            "top_runs": per_run[:top],
            "daily": [
                {
                    "day": day,
                    "estimated_grams": v[0],
                    "actual_grams": v[1],
                    "variance_grams": rules.grams(v[1] - v[0]),
                    "variance_pct": (rules.variance(v[0], v[1]) or rules.Variance(Decimal(0), None)).percent,
                    "success_rate": rules.success_rate(int(v[3]), int(v[2])),
                }
                for day, v in sorted(daily.items())
            ],
            "models": [
                {
                    "model_id": model_id,
                    "sku": models[model_id].sku if model_id in models else None,
                    "runs": agg["runs"],
                    "avg_variance_pct": (
                        (Decimal(agg["pct_sum"]) / int(agg["pct_runs"])).quantize(rules.PERCENT)
                        if int(agg["pct_runs"])
                        else None
                    ),
                    "success_rate": rules.success_rate(int(agg["good"]), int(agg["planned"])),
                }
                for model_id, agg in sorted(per_model.items(), key=lambda kv: str(kv[0]))
            ],
        }
