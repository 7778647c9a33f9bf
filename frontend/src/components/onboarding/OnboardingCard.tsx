/** The dashboard's first steps for a new shop: first a filament type, then a spool of it. */
import { ArrowRight, Layers, Package } from "lucide-react";
import { Link } from "react-router-dom";
import { FIRST_TYPE_HREF, firstSpoolHref, useOnboarding } from "@/components/onboarding/useOnboarding";
import { buttonVariants } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { useAuth } from "@/hooks/useAuth";
import { cn } from "@/lib/utils";

export function OnboardingCard() {
  const { can } = useAuth();
  const { step, firstType } = useOnboarding();
  if (!can("member") || step === "loading" || step === "done") return null;
  const firstTypeStep = step === "first-type";
  return (
    <Card data-testid="onboarding" className="border-primary/40">
      <CardHeader>
        <CardTitle>{firstTypeStep ? "Step 1 of 2: your first filament type" : "Step 2 of 2: your first spool"}</CardTitle>
        <CardDescription>
          {firstTypeStep
            ? "A filament type is one material, brand and colour (e.g. PLA, Prusament, Galaxy Black). Every spool is of a type, so start here."
            : `Now add a reel you have on the shelf${firstType ? ` — ${firstType.brand} ${firstType.color_name} is already chosen` : ""}.`}
        </CardDescription>
      </CardHeader>
      <CardContent>
        <Link
          to={firstTypeStep || !firstType ? FIRST_TYPE_HREF : firstSpoolHref(firstType)}
          className={cn(buttonVariants(), "w-full sm:w-auto")}
        >
          {firstTypeStep ? <Layers aria-hidden /> : <Package aria-hidden />}
          {firstTypeStep ? "Add your first filament type" : "Add your first spool"}
          <ArrowRight aria-hidden />
        </Link>
      </CardContent>
    </Card>
  );
}
