import { labSuite } from "./scenario";

// The source document's example: one secondary ENI with its primary private IP and two secondary IPs.
labSuite(
  "a",
  "one ENI with the document's three addresses",
  {
    primary: { name: "eth0", mac: "00:16:3e:00:00:01", ips: ["172.16.0.10"], eips: ["203.0.113.100"] },
    enis: [
      {
        name: "eth1",
        mac: "00:16:3e:12:34:56",
        ips: ["172.16.0.57", "172.16.0.77", "172.16.0.78"],
        eips: ["203.0.113.10", "203.0.113.11", "203.0.113.12"],
      },
    ],
  },
  [1001],
);
