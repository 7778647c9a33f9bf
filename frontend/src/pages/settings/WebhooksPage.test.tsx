import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Route, Routes } from "react-router-dom";
import WebhookEndpointPage from "@/pages/settings/WebhookEndpointPage";
import WebhooksPage from "@/pages/settings/WebhooksPage";
import { apiError, json, meHandler, mockApi, renderWithApp, type RecordedRequest } from "@/test/render";

const SECRET = "whsec_N2Y0ZTM1ZDYtYjYxMy00MmM2LWE3ZjQtNjM0ZTk0ZmI";
const ENDPOINT_ID = "55555555-5555-4555-8555-555555555555";
const DELIVERY_ID = "66666666-6666-4666-8666-666666666666";
const EVENT_TYPES = [
  { type: "inventory.spool.created.v1", description: "A spool was added." },
  { type: "inventory.stock.low.v1", description: "A spool or filament type ran low." },
  { type: "production.run.completed.v1", description: "A production run completed." },
];
const ENDPOINT = {
  id: ENDPOINT_ID,
  url: "https://erp.example/hooks/batchivo",
  description: "ERP stock sync",
  event_types: ["inventory.spool.created.v1", "inventory.stock.low.v1"],
  active: true,
  secret_hint: SECRET.slice(-4),
  previous_secret_expires_at: null,
  disabled_at: null,
  disabled_reason: null,
  failing_since: null,
  created_at: "2026-12-06T10:00:00Z",
  updated_at: "2026-12-06T10:00:00Z",
  version: 1,
};
const DELIVERY = {
  id: DELIVERY_ID,
  endpoint_id: ENDPOINT_ID,
  event_id: "77777777-7777-4777-8777-777777777777",
  event_type: "inventory.stock.low.v1",
  status: "failed",
  attempts: 4,
  next_attempt_at: null,
  last_attempt_at: "2026-12-06T11:00:00Z",
  last_status_code: 500,
  last_latency_ms: 87,
  last_error: "HTTP 500",
  response_snippet: "upstream database is down",
  payload: { delivery_id: DELIVERY_ID, type: "inventory.stock.low.v1", data: { remaining_grams: 40 } },
  created_at: "2026-12-06T10:30:00Z",
  delivered_at: null,
};

function webhooksApi() {
  let endpoints: (typeof ENDPOINT)[] = [];
  return (request: RecordedRequest): Response | undefined => {
    if (request.path === "/api/v1/webhooks/event-types") return json(EVENT_TYPES);
    if (request.path === "/api/v1/webhooks/endpoints" && request.method === "GET")
      return json({ items: endpoints, total: endpoints.length, limit: 200, offset: 0 });
    if (request.path === "/api/v1/webhooks/endpoints" && request.method === "POST") {
      const body = request.body as { url: string };
      if (body.url.includes("10.0.0.1")) return apiError(422, "WEBHOOK_URL_REFUSED", "The URL resolves to a private address (10.0.0.1).", [
        { loc: ["body", "url"], msg: "The URL resolves to a private address (10.0.0.1).", type: "value_error" },
      ]);
      endpoints = [{ ...ENDPOINT, ...(request.body as object) }];
      return json({ ...endpoints[0], secret: SECRET }, 201);
    }
    return undefined;
  };
}

describe("WebhooksPage", () => {
  it("adds an endpoint with the chosen events, shows the secret once, and lists the endpoint", async () => {
    const { requests } = mockApi(meHandler("admin"), webhooksApi());
    const user = userEvent.setup();
    const { queryClient } = renderWithApp(<WebhooksPage />);

    expect(await screen.findByText("No webhook endpoints yet")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Add endpoint" }));
    const dialog = await screen.findByRole("dialog", { name: "Add webhook endpoint" });

    // Nothing chosen: refused before any request.
    await user.type(within(dialog).getByLabelText("URL"), "https://10.0.0.1/hook");
    await user.click(within(dialog).getByRole("button", { name: "Add endpoint" }));
    expect(await within(dialog).findByText("Choose at least one event")).toBeInTheDocument();
    expect(requests.filter((r) => r.method === "POST")).toHaveLength(0);

    // The whole Inventory group in one click; the server's refusal of the address lands on the URL field.
    await user.click(await within(dialog).findByLabelText(/^Inventory/));
    await user.click(within(dialog).getByRole("button", { name: "Add endpoint" }));
    expect(await within(dialog).findByText(/private address \(10\.0\.0\.1\)/)).toBeInTheDocument();

    await user.clear(within(dialog).getByLabelText("URL"));
    await user.type(within(dialog).getByLabelText("URL"), ENDPOINT.url);
    await user.type(within(dialog).getByLabelText("Description"), "ERP stock sync");
    await user.click(within(dialog).getByRole("button", { name: "Add endpoint" }));

    const secret = await screen.findByTestId("webhook-secret");
    expect(secret).toHaveValue(SECRET);
    const posts = requests.filter((r) => r.method === "POST");
    expect(posts.at(-1)?.body).toEqual({
      url: ENDPOINT.url,
      description: "ERP stock sync",
      event_types: ["inventory.spool.created.v1", "inventory.stock.low.v1"],
      active: true,
    });
    expect(posts.at(-1)?.headers.get("Idempotency-Key")).toBeTruthy();

    await user.click(screen.getByRole("button", { name: "Done" }));
    await waitFor(() => expect(screen.queryByRole("dialog")).not.toBeInTheDocument());
    const item = await screen.findByRole("link", { name: /erp\.example/ });
    expect(within(item).getByText("Active")).toBeInTheDocument();
    expect(within(item).getByText(/2 events: spool created, stock low/)).toBeInTheDocument();
    expect(document.body.innerHTML).not.toContain(SECRET);
    await waitFor(() => {
      const cached = JSON.stringify([
        queryClient.getQueryCache().getAll().map((q) => q.state.data),
        queryClient.getMutationCache().getAll().map((m) => m.state.data),
      ]);
      expect(cached).not.toContain(SECRET);
    });
  });
});

describe("WebhookEndpointPage", () => {
  function endpointApi(endpoint: typeof ENDPOINT) {
    return (request: RecordedRequest): Response | undefined => {
      if (request.path === `/api/v1/webhooks/endpoints/${ENDPOINT_ID}` && request.method === "GET") return json(endpoint);
      if (request.path === `/api/v1/webhooks/endpoints/${ENDPOINT_ID}/deliveries`)
        return json({ items: [DELIVERY], total: 1, limit: 25, offset: 0 });
      if (request.path === `/api/v1/webhooks/endpoints/${ENDPOINT_ID}/test`) return json({ delivery_id: DELIVERY_ID, status: "pending" }, 202);
      if (request.path === `/api/v1/webhooks/deliveries/${DELIVERY_ID}/redeliver`) return json({ delivery_id: DELIVERY_ID, status: "pending" }, 202);
      return undefined;
    };
  }

  function renderEndpoint() {
    return renderWithApp(
      <Routes>
        <Route path="/settings/webhooks/:endpointId" element={<WebhookEndpointPage />} />
      </Routes>,
      { route: `/settings/webhooks/${ENDPOINT_ID}` },
    );
  }

  it("shows the delivery log with the receiver's answer, sends a test event and redelivers", async () => {
    const { requests } = mockApi(meHandler("admin"), endpointApi(ENDPOINT));
    const user = userEvent.setup();
    renderEndpoint();

    const delivery = await screen.findByTestId("webhook-delivery");
    expect(within(delivery).getByText("Failed")).toBeInTheDocument();
    expect(within(delivery).getByText("HTTP 500")).toBeInTheDocument();
    expect(within(delivery).getByText("87 ms")).toBeInTheDocument();
    expect(within(delivery).getByText("upstream database is down")).toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "Send test event" }));
    expect(await screen.findByText("Test event queued")).toBeInTheDocument();
    await user.click(within(delivery).getByRole("button", { name: "Redeliver" }));
    expect(await screen.findByText("Sending again")).toBeInTheDocument();
    const posts = requests.filter((r) => r.method === "POST").map((r) => r.path);
    expect(posts).toEqual([`/api/v1/webhooks/endpoints/${ENDPOINT_ID}/test`, `/api/v1/webhooks/deliveries/${DELIVERY_ID}/redeliver`]);
  });

  it("says why Batchivo turned an endpoint off", async () => {
    mockApi(
      meHandler("admin"),
      endpointApi({
        ...ENDPOINT,
        active: false,
        disabled_at: "2026-12-06T12:00:00Z",
        disabled_reason: "every delivery failed for 24 h; last: HTTP 500",
      } as unknown as typeof ENDPOINT),
    );
    renderEndpoint();
    expect(await screen.findByText(/Batchivo turned this endpoint off/)).toBeInTheDocument();
    expect(screen.getByText(/every delivery failed for 24 h; last: HTTP 500/)).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Resume" })).toBeInTheDocument();
  });
});
