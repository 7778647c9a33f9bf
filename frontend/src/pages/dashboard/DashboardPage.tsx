import { FinishedGoodsCard } from "@/components/dashboard/FinishedGoodsCard";
import { LowStockCard } from "@/components/dashboard/LowStockCard";
import { RecentCompletionsCard, RunsInProgressCard } from "@/components/dashboard/ProductionCards";
import { RecentActivityCard } from "@/components/dashboard/RecentActivityCard";
import { StockChartCard } from "@/components/dashboard/StockChartCard";
import { StockTotalsCards } from "@/components/dashboard/StockTotalsCards";
import { PageHeader } from "@/components/layout/PageHeader";
import { OnboardingCard } from "@/components/onboarding/OnboardingCard";

export default function DashboardPage() {
  return (
    <>
      <PageHeader title="Dashboard" description="Your printing, filament and finished stock at a glance." />
      <div className="grid gap-4 lg:grid-cols-3">
        <div className="empty:hidden lg:col-span-3">
          <OnboardingCard />
        </div>
        <div className="grid gap-4 sm:grid-cols-2 lg:col-span-3 lg:grid-cols-2">
          <StockTotalsCards />
        </div>
        <div className="grid content-start gap-4 lg:col-span-2">
          <div className="grid gap-4 md:grid-cols-2">
            <RunsInProgressCard />
            <RecentCompletionsCard />
          </div>
          <StockChartCard />
          <RecentActivityCard />
        </div>
        <div className="grid content-start gap-4">
          <LowStockCard />
          <FinishedGoodsCard />
        </div>
      </div>
    </>
  );
}
