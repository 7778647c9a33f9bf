import { createBrowserRouter, type RouteObject } from "react-router-dom";
import { AppShell } from "@/components/layout/AppShell";
import { RequireAuth } from "@/components/layout/RequireAuth";
import { RouteError } from "@/pages/RouteError";

type PageModule = { default: React.ComponentType };

/** Each page is its own chunk: the first load carries only the shell and the page opened. */
const page = (load: () => Promise<PageModule>): Pick<RouteObject, "lazy"> => ({
  lazy: async () => ({ Component: (await load()).default }),
});

export const routes: RouteObject[] = [
  { path: "/login", ...page(() => import("@/pages/auth/SignInPage")) },
  { path: "/register", ...page(() => import("@/pages/auth/RegisterPage")) },
  {
    element: <RequireAuth />,
    errorElement: <RouteError />,
    children: [
      {
        element: <AppShell />,
        children: [
          {
            errorElement: <RouteError />,
            children: [
              { index: true, ...page(() => import("@/pages/dashboard/DashboardPage")) },
              { path: "spools", ...page(() => import("@/pages/spools/SpoolsPage")) },
              { path: "spools/labels", ...page(() => import("@/pages/spools/LabelsPage")) },
              { path: "spools/:spoolId", ...page(() => import("@/pages/spools/SpoolDetailPage")) },
              { path: "locations", ...page(() => import("@/pages/locations/LocationsPage")) },
              { path: "locations/:locationId", ...page(() => import("@/pages/locations/LocationDetailPage")) },
              { path: "locations/:locationId/label", ...page(() => import("@/pages/locations/LocationLabelPage")) },
              { path: "filament-types", ...page(() => import("@/pages/filament-types/FilamentTypesPage")) },
              { path: "material-types", ...page(() => import("@/pages/material-types/MaterialTypesPage")) },
              { path: "history", ...page(() => import("@/pages/history/HistoryPage")) },
              { path: "import-export", ...page(() => import("@/pages/import-export/ImportExportPage")) },
              { path: "models", ...page(() => import("@/pages/catalog/ModelsPage")) },
              { path: "models/:modelId", ...page(() => import("@/pages/catalog/ModelDetailPage")) },
              { path: "products", ...page(() => import("@/pages/catalog/ProductsPage")) },
              { path: "products/:productId", ...page(() => import("@/pages/catalog/ProductDetailPage")) },
              // webextra: categories and production analytics.
              { path: "categories", ...page(() => import("@/pages/catalog/CategoriesPage")) },
              { path: "analytics", ...page(() => import("@/pages/analytics/AnalyticsPage")) },
              // Production
              { path: "printers", ...page(() => import("@/pages/production/PrintersPage")) },
              { path: "production-runs", ...page(() => import("@/pages/production/RunsPage")) },
              { path: "production-runs/new", ...page(() => import("@/pages/production/NewRunPage")) },
              { path: "production-runs/:runId", ...page(() => import("@/pages/production/RunDetailPage")) },
              {
                element: <RequireAuth minRole="admin" />,
                children: [
                  { path: "settings/members", ...page(() => import("@/pages/settings/MembersPage")) },
                  { path: "settings/api-keys", ...page(() => import("@/pages/settings/ApiKeysPage")) },
                  { path: "settings/webhooks", ...page(() => import("@/pages/settings/WebhooksPage")) },
                  { path: "settings/webhooks/:endpointId", ...page(() => import("@/pages/settings/WebhookEndpointPage")) },
                  { path: "sales-channels", ...page(() => import("@/pages/catalog/SalesChannelsPage")) },
                  { path: "settings/catalog", ...page(() => import("@/pages/catalog/CatalogSettingsPage")) },
                ],
              },
              { path: "*", ...page(() => import("@/pages/NotFoundPage")) },
            ],
          },
        ],
      },
    ],
  },
];

export function createRouter() {
  return createBrowserRouter(routes);
}
