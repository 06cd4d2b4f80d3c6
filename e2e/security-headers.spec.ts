// Only the app's own scripts run: the policy carries a fresh nonce per response
// instead of 'unsafe-inline', and an inline script without it is refused.
import { expect, test } from "@playwright/test";

test("script-src has a per-response nonce and no 'unsafe-inline'; injected inline code does not run", async ({
  page,
  request,
}) => {
  const policies = await Promise.all(
    [1, 2].map(async () => (await request.get("/sign-in")).headers()["content-security-policy"] ?? ""),
  );
  const scriptSrc = (p: string) => p.split(";").find((d) => d.trim().startsWith("script-src")) ?? "";
  for (const p of policies) {
    expect(scriptSrc(p)).toMatch(/'nonce-[A-Za-z0-9+/=]{16,}'/);
    expect(scriptSrc(p)).not.toContain("'unsafe-inline'");
  }
  expect(scriptSrc(policies[0]!)).not.toBe(scriptSrc(policies[1]!));

  await page.goto("/sign-in");
  // The page works (its scripts carry the nonce): client-side validation answers.
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("Enter your email address.")).toBeVisible();
  const ran = await page.evaluate(async () => {
    const w = window as unknown as { injected?: boolean };
    // What an HTML injection looks like: markup with an inline handler (ran under 'unsafe-inline').
    const div = document.createElement("div");
    div.innerHTML = '<img src="data:," onerror="window.injected = true" onload="window.injected = true">';
    document.body.appendChild(div);
    await new Promise((r) => setTimeout(r, 300));
    return w.injected === true;
  });
  expect(ran).toBe(false);
});
