import { screen, within } from "@testing-library/react";
import { Route, Routes } from "react-router-dom";
import { describe, expect, it } from "vitest";
import { ME_QUERY_KEY } from "@/hooks/useAuth";
import type { Role } from "@/lib/roles";
import ModelDetailPage from "@/pages/catalog/ModelDetailPage";
import type { Model } from "@/queries/catalog";
import { makeModel, MODEL_ID } from "@/test/catalogFixtures";
import { filamentType, page } from "@/test/fixtures";
import { createTestQueryClient, json, makeMe, meHandler, mockApi, renderWithApp, type ApiHandler } from "@/test/render";

function modelHandler(model: Model): ApiHandler {
  return ({ method, path }) => {
    if (method === "GET" && path === `/api/v1/models/${model.id}`) return json(model);
    if (method === "GET" && path === `/api/v1/models/${model.id}/stock-movements`) {
      return json(page([{ id: "m1", kind: "adjustment", delta: 5, units_before: 0, units_after: 5, reason: "counted the shelf", model_id: model.id, product_id: null, production_run_id: null, actor_id: null, created_at: "2026-11-02T10:00:00Z" }]));
    }
    return undefined;
  };
}

function renderDetail(role: Role) {
  const queryClient = createTestQueryClient();
  queryClient.setQueryData(ME_QUERY_KEY, makeMe(role));
  renderWithApp(
    <Routes>
      <Route path="/models/:modelId" element={<ModelDetailPage />} />
    </Routes>,
    { route: `/models/${MODEL_ID}`, queryClient },
  );
}

describe("ModelDetailPage", () => {
  it("shows the cost breakdown, the BOM and the stock history", async () => {
    mockApi(meHandler("member"), modelHandler(makeModel({ units_in_stock: 5, actual_unit_cost: 2.05 })));
    renderDetail("member");

    const breakdown = await screen.findByTestId("cost-breakdown");
    const parts: [string, string][] = [
      ["Material", "£1.200"],
      ["Components", "£0.000"],
      ["Labour", "£1.000"],
      ["Overhead", "£0.000"],
    ];
    for (const [label, value] of parts) {
      expect(within(breakdown).getByText(label).nextElementSibling).toHaveTextContent(value);
    }
    expect(screen.getByTestId("cost-total")).toHaveTextContent("£2.20");
    expect(screen.getByTestId("actual-cost")).toHaveTextContent("£2.05");
    expect(screen.getByTestId("units-in-stock")).toHaveTextContent("5");
    expect(screen.queryByText("Estimate")).toBeNull();
    const bom = screen.getByRole("table", { name: "Filament per item" });
    expect(within(bom).getByText("Prusament Galaxy Black · PLA")).toBeInTheDocument();
    expect(within(bom).getByText("40 g")).toBeInTheDocument();
    expect(await screen.findByText("counted the shelf")).toBeInTheDocument();
    for (const name of ["Edit", "Edit BOM", "Adjust stock"]) expect(screen.getByRole("button", { name })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Delete" })).toBeNull(); // admins only
  });

  it("marks an estimate and lists the lines without a cost", async () => {
    const unknown = "99999999-9999-4999-8999-999999999999";
    const model = makeModel({
      cost_is_estimate: true,
      uncosted_lines: [unknown],
      materials: [
        { ...makeModel().materials[0]!, cost_is_estimate: true },
        { id: "l2", filament_type_id: unknown, brand: "Polymaker", color_name: "Teal", material_code: "PETG", grams: 5, cost_per_gram: null, cost_is_estimate: false, line_cost: null },
      ],
    });
    mockApi(meHandler("viewer"), modelHandler(model));
    renderDetail("viewer");

    expect(await screen.findAllByText("Estimate")).not.toHaveLength(0);
    const note = screen.getByRole("note");
    expect(note).toHaveTextContent("Counted as 0 (no cost known yet):");
    expect(note).toHaveTextContent("Polymaker Teal · PETG");
    expect(screen.getByText("no cost")).toBeInTheDocument();
    expect(filamentType.id).not.toBe(unknown);
  });

  it("viewers see no write controls", async () => {
    mockApi(meHandler("viewer"), modelHandler(makeModel()));
    renderDetail("viewer");
    await screen.findByTestId("cost-breakdown");
    for (const name of ["Edit", "Edit BOM", "Adjust stock", "Delete"]) expect(screen.queryByRole("button", { name })).toBeNull();
  });

  it("says so when the model does not exist", async () => {
    mockApi(meHandler("member"));
    renderDetail("member");
    expect(await screen.findByRole("heading", { name: "Model not found" })).toBeInTheDocument();
  });
});
