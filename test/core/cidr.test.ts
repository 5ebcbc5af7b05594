import {
  Cidr,
  containsAddress,
  containsBlock,
  coveredAddresses,
  coversAnywhere,
  metadataReached,
  parseAddress,
  parseCidr,
} from "../../lib/core/cidr";

const c = (s: string): Cidr => {
  const parsed = parseCidr(s);
  if (!parsed) throw new TypeError(`test CIDR ${s} did not parse`);
  return parsed;
};

describe("parseCidr", () => {
  test.each([
    ["10.0.0.0/8", 4, 8, 0x0a000000n],
    ["10.1.2.3/8", 4, 8, 0x0a000000n], // host bits cleared, as Go's net.ParseCIDR
    ["169.254.169.254", 4, 32, 0xa9fea9fen], // a bare address is a /32
    ["0.0.0.0/0", 4, 0, 0n],
    ["::/0", 6, 0, 0n],
    ["fd00:ec2::254/128", 6, 128, 0xfd000ec2000000000000000000000254n],
    ["2001:db8::/32", 6, 32, 0x20010db8000000000000000000000000n],
    ["::ffff:10.0.0.1/128", 6, 128, 0xffff0a000001n],
  ])("%s", (text, family, prefix, base) => {
    expect(parseCidr(text)).toEqual({ family, prefix, base, text });
  });

  const bad = ["10.0.0.0/33", "10.0.0/8", "256.0.0.0/8", "10.0.0.0/x", "example.com/32", "::1::/64"];
  // Strict: a value is written into config files as given, so surrounding whitespace (a newline)
  // is refused, not trimmed; a leading zero (octal 8 to some parsers) is refused.
  test.each([
    ...bad,
    "1:2:3:4:5:6:7:8:9/64",
    "fd00::/129",
    "",
    "1.2.3.4/",
    " 0.0.0.0/0 ",
    "10.0.0.0/8\n",
    "010.0.0.0/8",
  ])("refuses %j", (text) => {
    expect(parseCidr(text)).toBeUndefined();
  });

  test("addresses", () => {
    expect(parseAddress("1.2.3.4")).toEqual({ family: 4, value: 0x01020304n });
    expect(parseAddress("::1")).toEqual({ family: 6, value: 1n });
    expect(parseAddress("1:2:3:4:5:6:7:8")?.value).toBe(0x00010002000300040005000600070008n);
    expect(parseAddress("nope")).toBeUndefined();
  });
});

describe("containment", () => {
  test("an address in a block", () => {
    expect(containsAddress(c("169.254.0.0/16"), "169.254.169.254")).toBe(true);
    expect(containsAddress(c("169.254.169.0/25"), "169.254.169.254")).toBe(false);
    expect(containsAddress(c("::/0"), "169.254.169.254")).toBe(false); // another family
    expect(containsAddress(c("fd00::/8"), "fd00:ec2::254")).toBe(true);
  });

  test("a block in a block", () => {
    expect(containsBlock(c("10.0.0.0/8"), c("10.20.0.0/16"))).toBe(true);
    expect(containsBlock(c("10.20.0.0/16"), c("10.0.0.0/8"))).toBe(false);
    expect(containsBlock(c("0.0.0.0/0"), c("::/0"))).toBe(false);
  });
});

describe("coverage", () => {
  test("overlapping blocks are counted once", () => {
    expect(coveredAddresses([c("10.0.0.0/8"), c("10.1.0.0/16"), c("11.0.0.0/8")], 4)).toBe(2n * (1n << 24n));
    expect(coveredAddresses([c("10.0.0.0/8"), c("::/0")], 4)).toBe(1n << 24n);
  });

  test.each([
    [["0.0.0.0/0"], true],
    [["::/0"], true],
    [["0.0.0.0/1", "128.0.0.0/1"], true],
    [["128.0.0.0/1"], true], // half of the internet is "anywhere"
    [["0.0.0.0/2", "64.0.0.0/2", "128.0.0.0/2", "192.0.0.0/2"], true],
    [["0.0.0.0/2"], false],
    [["0.0.0.0/2", "0.0.0.0/2"], false], // overlaps do not add up
    [["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"], false],
    [["2000::/3"], false],
  ])("%j covers anywhere: %s", (blocks, expected) => {
    expect(coversAnywhere(blocks.map(c))).toBe(expected);
  });
});

describe("metadata endpoints", () => {
  test("a block containing 169.254.169.254 reaches it unless an exception removes it", () => {
    expect(metadataReached(c("169.254.0.0/16"))).toEqual(["169.254.169.254"]);
    expect(metadataReached(c("128.0.0.0/1"))).toEqual(["169.254.169.254"]);
    expect(metadataReached(c("0.0.0.0/0"), [c("169.254.0.0/16")])).toEqual([]);
    expect(metadataReached(c("0.0.0.0/0"), [c("169.254.169.254/32")])).toEqual([]);
    expect(metadataReached(c("0.0.0.0/0"), [c("169.254.169.0/25")])).toEqual(["169.254.169.254"]);
    expect(metadataReached(c("10.0.0.0/8"))).toEqual([]);
    expect(metadataReached(c("::/0"))).toEqual(["fd00:ec2::254"]);
  });
});
