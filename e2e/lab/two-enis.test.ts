import { labSuite } from "./scenario";

// Two secondary ENIs in the primary ENI's vSwitch, each with its own route table.
labSuite(
  "b",
  "two ENIs in one vSwitch",
  {
    primary: { name: "eth0", mac: "00:16:3e:00:00:01", ips: ["172.16.0.10"], eips: ["203.0.113.100"] },
    enis: [
      {
        name: "eth1",
        mac: "00:16:3e:12:34:56",
        ips: ["172.16.0.57", "172.16.0.77", "172.16.0.78"],
        eips: ["203.0.113.10", "203.0.113.11", "203.0.113.12"],
      },
      {
        name: "eth2",
        mac: "00:16:3e:ab:cd:ef",
        ips: ["172.16.0.60", "172.16.0.87", "172.16.0.88"],
        eips: ["203.0.113.20", "203.0.113.21", "203.0.113.22"],
      },
    ],
  },
  [1001, 1002],
);
