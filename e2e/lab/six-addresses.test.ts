import { labSuite } from "./scenario";

// A predictable-name ENI (ens6) carrying six private IPs, each with its own EIP.
labSuite(
  "c",
  "an ENI named ens6 with six addresses",
  {
    primary: { name: "ens5", mac: "00:16:3e:00:00:01", ips: ["172.16.0.10"], eips: ["203.0.113.100"] },
    enis: [
      {
        name: "ens6",
        mac: "00:16:3e:66:00:06",
        ips: ["172.16.0.30", "172.16.0.31", "172.16.0.32", "172.16.0.33", "172.16.0.34", "172.16.0.35"],
        eips: ["203.0.113.30", "203.0.113.31", "203.0.113.32", "203.0.113.33", "203.0.113.34", "203.0.113.35"],
      },
    ],
  },
  [1006],
);
