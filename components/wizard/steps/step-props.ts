import type { Inventory } from "@/lib/deploy/inventory.service";
import type { Issue, WizardForm } from "../form-model";

/** What every step gets: the form, its setter, the cloud's inventory and the step's visible issues. */
export type StepProps = {
  form: WizardForm;
  update: (p: Partial<WizardForm>) => void;
  inventory: Inventory | null;
  issues?: Issue[];
};
