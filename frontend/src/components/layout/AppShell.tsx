import { ArrowLeftRight, Boxes, Calculator, ChartLine, Factory, FolderTree, Gauge, History, KeyRound, Layers, LogOut, MapPin, Menu, Moon, Package, Printer, Shapes, Store, Sun, Tags, Users, Webhook } from "lucide-react";
import { useState, type ComponentType } from "react";
import { NavLink, Outlet, useNavigate } from "react-router-dom";
import { InvitationsBanner } from "@/components/layout/InvitationsBanner";
import { ScanButton } from "@/components/scan/ScanButton";
import { TenantSwitcher } from "@/components/layout/TenantSwitcher";
import { Button } from "@/components/ui/button";
import { ToastSlot } from "@/components/ui/toaster";
import { useAuth } from "@/hooks/useAuth";
import { useTheme } from "@/hooks/useTheme";
import type { Role } from "@/lib/roles";
import { cn } from "@/lib/utils";

interface NavItem {
  to: string;
  label: string;
  icon: ComponentType<{ className?: string }>;
  minRole?: Role;
}

// One list for the whole app: later areas (catalog, production) add their entries here.
const NAV: NavItem[] = [
  { to: "/", label: "Dashboard", icon: Gauge },
  { to: "/spools", label: "Spools", icon: Boxes },
  { to: "/locations", label: "Locations", icon: MapPin },
  { to: "/filament-types", label: "Filament types", icon: Layers },
  { to: "/material-types", label: "Material types", icon: Tags },
  { to: "/history", label: "History", icon: History },
  { to: "/import-export", label: "Import & export", icon: ArrowLeftRight },
  { to: "/models", label: "Models", icon: Shapes },
  { to: "/products", label: "Products", icon: Package },
  // webextra: categories and production analytics.
  { to: "/categories", label: "Categories", icon: FolderTree },
  { to: "/analytics", label: "Analytics", icon: ChartLine },
  // webruns: production.
  { to: "/printers", label: "Printers", icon: Printer },
  { to: "/production-runs", label: "Production runs", icon: Factory },
  { to: "/sales-channels", label: "Sales channels", icon: Store, minRole: "admin" },
  { to: "/settings/catalog", label: "Costing", icon: Calculator, minRole: "admin" },
  { to: "/settings/members", label: "Members", icon: Users, minRole: "admin" },
  { to: "/settings/api-keys", label: "API keys", icon: KeyRound, minRole: "admin" },
  { to: "/settings/webhooks", label: "Webhooks", icon: Webhook, minRole: "admin" },
];

export function AppShell() {
  const { me, can, signOut } = useAuth();
  const { theme, toggle } = useTheme();
  const navigate = useNavigate();
  const [menuOpen, setMenuOpen] = useState(false);
  const items = NAV.filter((item) => !item.minRole || can(item.minRole));

  const onSignOut = async () => {
    await signOut();
    navigate("/login", { replace: true });
  };

  return (
    <div className="min-h-dvh md:grid md:grid-cols-[14rem_1fr]">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-background focus:p-2">
        Skip to content
      </a>
      <aside className="no-print border-b bg-card md:sticky md:top-0 md:h-dvh md:overflow-y-auto md:border-b-0 md:border-r">
        <div className="flex h-14 items-center justify-between px-4">
          <span className="text-lg font-bold tracking-tight">Batchivo</span>
          <Button
            variant="ghost"
            size="icon"
            className="md:hidden"
            aria-label="Menu"
            aria-expanded={menuOpen}
            aria-controls="main-nav"
            onClick={() => setMenuOpen((open) => !open)}
          >
            <Menu />
          </Button>
        </div>
        {/* md:pb-48 keeps the column's foot free for the toasts (two at most), so they never cover a link. */}
        <nav id="main-nav" aria-label="Main" className={cn("px-2 pb-3 md:block md:pb-48", menuOpen ? "block" : "hidden")}>
          <ul className="grid gap-0.5">
            {items.map(({ to, label, icon: Icon }) => (
              <li key={to}>
                <NavLink
                  to={to}
                  end={to === "/"}
                  onClick={() => setMenuOpen(false)}
                  className={({ isActive }) =>
                    cn(
                      "flex items-center gap-2 rounded-md px-3 py-2 text-sm max-md:min-h-11 hover:bg-accent focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-ring",
                      isActive && "bg-accent font-medium",
                    )
                  }
                >
                  <Icon className="size-4" />
                  {label}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
      </aside>
      <div className="flex min-w-0 flex-col">
        <header className="no-print flex h-14 items-center justify-between gap-2 border-b px-4">
          <TenantSwitcher />
          <div className="flex items-center gap-1">
            <ScanButton />
            <span className="hidden text-sm text-muted-foreground sm:inline" data-testid="current-user">
              {me?.user.full_name} · {me?.role}
            </span>
            <Button variant="ghost" size="icon" onClick={toggle} aria-label={theme === "dark" ? "Use light theme" : "Use dark theme"}>
              {theme === "dark" ? <Sun /> : <Moon />}
            </Button>
            <Button variant="ghost" size="sm" onClick={() => void onSignOut()}>
              <LogOut />
              Sign out
            </Button>
          </div>
        </header>
        <ToastSlot />
        <InvitationsBanner />
        <main id="main" className="min-w-0 flex-1 p-4 md:p-6">
          <Outlet />
        </main>
      </div>
    </div>
  );
}
