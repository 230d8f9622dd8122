import { describe, expect, it } from "vitest";
import { formatPhone, formatPhones } from "./phones";

describe("formatPhone", () => {
  it("writes Korean mobiles and landlines as Koreans do", () => {
    expect(formatPhone("+821049521540")).toBe("010-4952-1540");
    expect(formatPhone("+82221234567")).toBe("02-2123-4567");
    expect(formatPhone("+8221234567")).toBe("02-123-4567");
    expect(formatPhone("+82314001234")).toBe("031-400-1234");
    expect(formatPhone("+82557001234")).toBe("055-700-1234");
    expect(formatPhone("+827012345678")).toBe("070-1234-5678");
  });
  it("writes Kazakh numbers with the country code and groups", () => {
    expect(formatPhone("+77011234567")).toBe("+7 701 123 45 67");
    expect(formatPhone("+77172555555")).toBe("+7 717 255 55 55");
  });
  it("leaves what it does not know as stored", () => {
    expect(formatPhone("+998901234567")).toBe("+998901234567");
    expect(formatPhone("+8210")).toBe("+8210");
    expect(formatPhone("call the dormitory")).toBe("call the dormitory");
    expect(formatPhone(null)).toBe("—");
  });
  it("joins a list", () => {
    expect(formatPhones(["+821049521540", "+77011234567"])).toBe("010-4952-1540, +7 701 123 45 67");
    expect(formatPhones([])).toBe("—");
  });
});
