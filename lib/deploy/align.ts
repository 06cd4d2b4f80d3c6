// Which recorded ENI / EIP serves which entry of a (new) spec — PURE. The planner plans from it,
// and a run starts from the aligned record (indexes renumbered to the spec's, one entry per spec
// ENI, the rest marked -1 = to remove), so the executor's effects find their entries by index.
//
// Matching: an ENI by its id (an existing ENI; a created one once the spec names its id), the
// primary ENI by mode, a still-unnamed new ENI to the ENIs this deployment created, in order. An
// EIP by its allocation id anywhere in the record; an EIP the spec leaves to EIPilot (`{}`) to an
// EIP this deployment allocated on the same ENI — the one on the same private IP when the spec
// names one, else in order. What matches nothing is what a change removes.
import type { DeploymentSpec } from "./spec.schema";
import {
  eniDevice,
  normalizeRecord,
  primaryEniOf,
  type EipRecord,
  type EniRecord,
  type LiveSnapshot,
  type ResourcesRecord,
} from "./model";

export type Alignment = {
  /** The record entry of each spec ENI (undefined: not there yet). */
  enis: Array<EniRecord | undefined>;
  /** The record entry of each spec EIP, per spec ENI. */
  eips: Array<Array<EipRecord | undefined>>;
  /**
   * For a spec EIP that matched nothing: the private IP of the recorded EIP that held its place
   * (same ENI and index) and is now removed — a replaced EIP takes the address of the one it replaces.
   */
  replaces: Array<Array<string | undefined>>;
  /** Recorded ENIs / EIPs the spec no longer lists. */
  orphanEnis: EniRecord[];
  orphanEips: EipRecord[];
  /** The record renumbered to the spec, with an entry for every spec ENI (what is known of it before the run). */
  record: ResourcesRecord;
};

export function alignRecord(spec: DeploymentSpec, raw: ResourcesRecord, live?: LiveSnapshot): Alignment {
  const record = structuredClone(normalizeRecord(raw));
  const recs = record.enis ?? [];
  const enis = matchEnis(spec, recs);

  const allEips = record.eips ?? [];
  const taken = new Set<EipRecord>();
  const eips: Array<Array<EipRecord | undefined>> = spec.enis.map((e) => e.eips.map(() => undefined));
  spec.enis.forEach((e, k) =>
    e.eips.forEach((x, i) => {
      if (!x.allocationId) return;
      const r = allEips.find((y) => !taken.has(y) && y.allocationId === x.allocationId);
      if (r) {
        taken.add(r);
        eips[k]![i] = r;
      }
    }),
  );
  // EIPs left to EIPilot: the one on the private IP the spec names, else the one at the same place
  // (same ENI, same index), then the remaining ones in order.
  const ours = (k: number) => {
    const rec = enis[k]!;
    return (y: EipRecord) =>
      !taken.has(y) && y.allocatedByUs && (y.eniId ? y.eniId === rec.eniId : y.eniIndex === rec.index);
  };
  const pass = (choose: (k: number, i: number, onThis: (y: EipRecord) => boolean) => EipRecord | undefined) =>
    spec.enis.forEach((e, k) => {
      if (!enis[k]) return;
      const onThis = ours(k);
      e.eips.forEach((x, i) => {
        if (x.allocationId || eips[k]![i]) return;
        const r = choose(k, i, onThis);
        if (r) {
          taken.add(r);
          eips[k]![i] = r;
        }
      });
    });
  pass((k, i, onThis) => {
    const want = spec.enis[k]!.eips[i]!.privateIp;
    return want ? allEips.find((y) => onThis(y) && y.privateIp === want) : undefined;
  });
  pass((k, i, onThis) =>
    spec.enis[k]!.eips[i]!.privateIp
      ? undefined
      : allEips.find((y) => onThis(y) && y.eniIndex === enis[k]!.index && y.specIndex === i),
  );
  pass((_k, _i, onThis) => allEips.filter(onThis).sort((a, b) => a.specIndex - b.specIndex)[0]);

  const before = new Map(allEips.map((r) => [r, `${r.eniIndex}:${r.specIndex}`]));
  // Renumber to the spec; what matched nothing is -1 (to remove).
  for (const r of recs) r.index = -1;
  enis.forEach((r, k) => {
    if (r) r.index = k;
  });
  for (const r of allEips) r.eniIndex = r.specIndex = -1;
  eips.forEach((list, k) =>
    list.forEach((r, i) => {
      if (!r) return;
      r.eniIndex = k;
      r.specIndex = i;
      if (!r.eniId && enis[k]?.eniId) r.eniId = enis[k]!.eniId!;
    }),
  );
  const orphanEnis = recs.filter((r) => r.index === -1);
  const orphanEips = allEips.filter((r) => r.eniIndex === -1);
  const replaces = eips.map((list, k) =>
    list.map((r, i) =>
      r ? undefined : orphanEips.find((o) => before.get(o) === `${k}:${i}` && o.privateIp)?.privateIp,
    ),
  );

  // An entry for every spec ENI, with what is known before the run.
  const used = new Set(recs.map((r) => r.device));
  const nextDevice = () => {
    for (let n = 1; ; n++) if (!used.has(`eth${n}`)) return used.add(`eth${n}`) && eniDevice(n);
  };
  spec.enis.forEach((e, k) => {
    let r = enis[k];
    if (!r) {
      r = { index: k, mode: e.eni.mode, ...(e.eni.mode === "primary" ? eniDevice(0) : nextDevice()) };
      if (e.eni.mode === "existing") r.eniId = e.eni.networkInterfaceId;
      recs.push(r);
      enis[k] = r;
    }
    if (live) fillFromLive(r, e.eni, live, spec);
  });
  if (recs.length) record.enis = recs.sort((a, b) => rank(a) - rank(b));
  if (allEips.length) record.eips = allEips;
  return { enis, eips, replaces, orphanEnis, orphanEips, record };
}

/** The recorded ENI of each spec ENI: by id, the primary by mode, a new one to those we created (same place first). */
function matchEnis(spec: DeploymentSpec, recs: EniRecord[]): Array<EniRecord | undefined> {
  const enis: Array<EniRecord | undefined> = spec.enis.map(() => undefined);
  const claimed = new Set<EniRecord>();
  const claim = (k: number, r: EniRecord | undefined) => {
    if (!r) return;
    claimed.add(r);
    enis[k] = r;
  };
  spec.enis.forEach((e, k) => {
    if (e.eni.mode === "existing") {
      const id = e.eni.networkInterfaceId;
      claim(
        k,
        recs.find((x) => !claimed.has(x) && x.eniId === id),
      );
    } else if (e.eni.mode === "primary")
      claim(
        k,
        recs.find((x) => !claimed.has(x) && x.mode === "primary"),
      );
  });
  spec.enis.forEach((e, k) => {
    if (e.eni.mode !== "create") return;
    const free = recs.filter((x) => !claimed.has(x) && (x.mode === "create" || x.created));
    claim(k, free.find((x) => x.index === k) ?? free[0]);
  });

  return enis;
}

const rank = (r: EniRecord) => (r.index === -1 ? 1000 : r.index);

/** Fills what the live state already tells of a spec ENI (its id, addresses, MAC, vSwitch CIDR). */
function fillFromLive(
  r: EniRecord,
  eni: DeploymentSpec["enis"][number]["eni"],
  live: LiveSnapshot,
  spec: DeploymentSpec,
) {
  const view =
    eni.mode === "primary"
      ? primaryEniOf(live)
      : r.eniId
        ? (live.enis.find((x) => x.networkInterfaceId === r.eniId) ??
          live.instanceEnis.find((x) => x.networkInterfaceId === r.eniId))
        : undefined;
  if (view) {
    r.eniId ??= view.networkInterfaceId;
    r.primaryIp ??= view.primaryIp;
    r.macAddress ??= view.macAddress;
  }
  const vSwitchId =
    view?.vSwitchId ??
    (eni.mode === "create"
      ? eni.vSwitchId
      : eni.mode === "primary" && spec.instance.mode === "create"
        ? spec.instance.vSwitchId
        : undefined);
  const vsw = live.vSwitches.find((v) => v.vSwitchId === vSwitchId);
  if (vsw) r.vSwitchCidr ??= vsw.cidrBlock;
}

/** After a successful apply: what the spec no longer lists is gone from the cloud, so the record forgets it. */
export function pruneRecord(record: ResourcesRecord): ResourcesRecord {
  const out = { ...record };
  if (out.enis) out.enis = out.enis.filter((e) => e.index !== -1);
  if (out.eips) out.eips = out.eips.filter((e) => e.eniIndex !== -1);
  return out;
}
