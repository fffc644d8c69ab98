# SPDX-License-Identifier: Apache-2.0
# The RTL view of the card ABI for tools/abigen.py: the AXI-Lite register block vrfsec_regs.
"""Generates hw/rtl/gen/vrfsec_regs.v from the parsed card ABI.

Every register block of card.abi is placed where abigen's default layout puts it (the firmware
and the simulator use the same offsets), with its block_hdr (type, version, next, size) as
constants, so the driver's chain walk (driver/blocks.c) finds the same chain on the FPGA. The ABI
says who may write a register (ro, rw, wo); it does not say where a read-only value comes from on
the card, so that is decided here:

- constants: the ABI's own values (magic, ABI version, FPGA card kind, rtl engine and capability,
  descriptor sizes) and the table capacities of the C model (hw/hls/*.h #defines);
- every other ro register is an input port (status the card drives: firmware version, STATUS,
  HEARTBEAT, host memory size, the PORTS settings, the card's index of each ring);
- rw registers are stored, reset to 0, and are output ports; wo registers likewise, reading 0.

The RINGS block declares only RING0; its RING_COUNT rings of struct ring_regs are expanded here.
Of head and tail, the host writes the producer index of a host -> card ring and the consumer index
of a card -> host ring (the RING enum's text says the direction); the other one is the card's.
"""
import os
import re

RTL_ENGINE = 2  # CONTROL.ENGINE "0 cmodel, 1 cpu, 2 rtl" (firmware/rv32/main.c ENGINE_RTL)
RTL_CAPS = 1 << 2  # ID.CAPS "bit 2 rtl engine" (firmware/rv32/main.c CAP_RTL)
N_NET_PORTS = 3  # ID.PORTS: public, core, inside (firmware/fw.c N_PORTS)
C_HEADERS = ("hw/hls/vrfsec_hls.h", "hw/hls/vrf_fib.h")

# How each field of struct ring_regs is served: rw (host-written), const, or the ring's producer
# (head) / consumer (tail) index, whose owner depends on the ring's direction.
RING_FIELDS = {"base_lo": "rw", "base_hi": "rw", "log2_size": "rw", "desc_size": "desc",
               "head": "producer", "tail": "consumer", "irq": "rw", "rsvd": "zero"}


class RegsError(Exception):
    pass


def c_defines(root):
    """The #define NAME VALUE constants of the C model headers, evaluated."""
    raw = {}
    for rel in C_HEADERS:
        with open(os.path.join(root, rel), encoding="utf-8") as f:
            for line in f:
                m = re.match(r"^#define\s+(VRFSEC_\w+)\s+([^/]+?)\s*(?:/\*.*)?$", line)
                if m:
                    raw[m.group(1)] = m.group(2)
    out = {}

    def value(name, depth=0):
        if name in out:
            return out[name]
        if depth > 8 or name not in raw:
            raise RegsError(f"C constant {name} not found in {', '.join(C_HEADERS)}")
        expr = re.sub(r"\b(\d+)[uU]?[lL]*\b", r"\1", raw[name])
        expr = re.sub(r"\b(VRFSEC_\w+)\b", lambda m: str(value(m.group(1), depth + 1)), expr)
        if not re.fullmatch(r"[0-9xa-fA-F()+\-*/<> ]+", expr):
            raise RegsError(f"C constant {name} = {raw[name]}: not a plain expression")
        out[name] = int(eval(expr.replace("/", "//")))  # digits and operators only
        return out[name]

    return value


def ro_constants(abi, root):
    """Values of the ro registers the RTL serves as constants, by BLOCK.REG."""
    consts = {n: v for n, v, _ in abi["consts"]}
    cdef = c_defines(root)
    table = {
        "ID.MAGIC": consts["MAGIC"],
        "ID.ABI_VERSION": abi["version"],
        "ID.CARD_KIND": consts["CARD_FPGA"],
        "ID.CAPS": RTL_CAPS,
        "ID.PORTS": N_NET_PORTS,
        "CONTROL.ENGINE": RTL_ENGINE,
        "COUNTERS.N_GLOBAL": len(abi["counters"]),
        "COUNTERS.N_VRF": cdef("VRFSEC_MAX_VRF"),
        "COUNTERS.N_SA": cdef("VRFSEC_MAX_SA"),
    }
    for b in abi["blocks"]:
        if b["name"] == "TABLES":  # every capacity is the C model's VRFSEC_<REG>
            for _, rn, acc, _ in b["items"]:
                if acc == "ro":
                    table[f"TABLES.{rn}"] = cdef(f"VRFSEC_{rn}")
    return table


def ring_list(abi):
    """(name, index, host_to_card, descriptor struct) of every ring of the RING enum."""
    enum = next((e for e in abi["enums"] if e["name"] == "RING"), None)
    if enum is None:
        raise RegsError("enum RING missing")
    items = {n: v for n, v, _ in enum["items"]}
    count = items.get("COUNT")
    if count is None:
        raise RegsError("RING_COUNT missing")
    sizes = {s["name"]: s["attrs"]["size"] for s in abi["structs"]}
    out = []
    for name, val, doc in enum["items"]:
        if name == "COUNT":
            continue
        if val >= count:
            raise RegsError(f"RING_{name} = {val} is not below RING_COUNT")
        m = re.search(r"\((\w+)\)", doc)
        if not m or m.group(1) not in sizes:
            raise RegsError(f"RING_{name}: its text names no descriptor structure")
        if doc.startswith("host -> card"):
            h2c = True
        elif doc.startswith("card -> host"):
            h2c = False
        else:
            raise RegsError(f"RING_{name}: text does not start with the direction")
        out.append((name, val, h2c, sizes[m.group(1)]))
    return out


def expand_rings(abi, base, reg_off):
    """The registers of every ring inside the RINGS block at BAR offset base."""
    stride = next((v for n, v, _ in abi["consts"] if n == "RING_STRIDE"), None)
    st = next((s for s in abi["structs"] if s["name"] == "ring_regs"), None)
    if stride is None or st is None:
        raise RegsError("RING_STRIDE or struct ring_regs missing")
    if st["attrs"]["size"] > stride:
        raise RegsError("struct ring_regs is larger than RING_STRIDE")
    regs = []
    for name, idx, h2c, dsize in ring_list(abi):
        for off, t, field, count, doc in st["items"]:
            role = RING_FIELDS.get(field)
            if role is None or t != "u32" or count != 1:
                raise RegsError(f"ring_regs.{field}: no RTL role (tools/abigen_regs.py)")
            addr = base + reg_off + idx * stride + off
            port = f"ring_{name.lower()}_{field}"
            what = f"RING_{name}.{field}"
            if role == "rw":
                regs.append((addr, port, "rw", 0, what))
            elif role == "desc":
                regs.append((addr, port, "const", dsize, what))
            elif role == "zero":
                regs.append((addr, port, "const", 0, what))
            else:
                host_owns = (role == "producer") == h2c
                what += f": {role} index, written by the {'host' if host_owns else 'card'}"
                regs.append((addr, port, "rw" if host_owns else "in", 0, what))
    return regs


def reg_map(abi, placed, root):
    """Blocks as (name, offset, size) and registers as (addr, port, kind, value, doc)."""
    consts = ro_constants(abi, root)
    used = set()
    blocks, regs = [], []
    for i, (b, off) in enumerate(placed):
        n, a = b["name"], b["attrs"]
        nxt = placed[i + 1][1] if i + 1 < len(placed) else 0
        blocks.append((n, off, a["size"]))
        for ho, hn, hv in ((0, "type", a["type"]), (4, "version", a["version"]), (8, "next", nxt),
                           (12, "size", a["size"])):
            regs.append((off + ho, f"{n.lower()}_hdr_{hn}", "const", hv, f"{n} block_hdr.{hn}"))
        for ro, rn, acc, doc in b["items"]:
            key = f"{n}.{rn}"
            if n == "RINGS" and rn == "RING0":
                regs += expand_rings(abi, off, ro)
            elif acc == "ro" and key in consts:
                used.add(key)
                regs.append((off + ro, f"{n.lower()}_{rn.lower()}", "const", consts[key],
                             f"{key}: {doc}"))
            elif acc == "ro":
                regs.append((off + ro, f"{n.lower()}_{rn.lower()}", "in", 0, f"{key}: {doc}"))
            else:
                regs.append((off + ro, f"{n.lower()}_{rn.lower()}", acc, 0, f"{key}: {doc}"))
    missing = set(consts) - used
    if missing:
        raise RegsError(f"RTL constants for registers the ABI lacks: {', '.join(sorted(missing))}")
    addrs = [r[0] for r in regs]
    if len(set(addrs)) != len(addrs):
        raise RegsError("two registers at one BAR offset")
    return blocks, sorted(regs)


def gen_regs(abi, placed, root, banner):
    consts = {n: v for n, v, _ in abi["consts"]}
    bar = consts.get("BAR_SIZE")
    if bar is None or bar & (bar - 1) or bar < 64:
        raise RegsError("BAR_SIZE missing or not a power of two")
    aw = bar.bit_length() - 1
    blocks, regs = reg_map(abi, placed, root)
    for n, off, size in blocks:
        if off + size > bar:
            raise RegsError(f"block {n} ends past BAR_SIZE")
    ww = aw - 2
    ins = [r for r in regs if r[2] == "in"]
    outs = [r for r in regs if r[2] in ("rw", "wo")]
    o = ["// SPDX-License-Identifier: Apache-2.0", f"// {banner}",
         "// The card's BAR 0 as an AXI4-Lite slave (32-bit data): every register block of the",
         "// card ABI at its default offset, chained by block_hdr.next (driver/blocks.c walks it).",
         "`default_nettype none", "",
         "// Reads return constants (block headers, ABI values, C model capacities), the status",
         "// inputs, or the stored rw registers; reserved words inside a block read 0. Writes land",
         "// in rw registers byte by byte (wstrb) and are ignored (OKAY) on ro words. An address",
         "// outside every block, or not 4-byte aligned, answers SLVERR and changes nothing.",
         "// card_we writes rw registers from the card side (e.g. the firmware clearing",
         "// CONTROL bit 1); a host write to the same register in the same cycle wins for its",
         "// bytes.",
         "// One transaction at a time per direction: AW and W are taken together, the response",
         "// and read data are registered.",
         "module vrfsec_regs (",
         "\tinput  wire        clk,",
         "\tinput  wire        rst,",
         "\t// host (PCIe BAR 0)",
         "\tinput  wire        s_axil_awvalid,",
         "\toutput wire        s_axil_awready,",
         f"\tinput  wire [{aw - 1}:0] s_axil_awaddr,",
         "\tinput  wire        s_axil_wvalid,",
         "\toutput wire        s_axil_wready,",
         "\tinput  wire [31:0] s_axil_wdata,",
         "\tinput  wire [3:0]  s_axil_wstrb,",
         "\toutput reg         s_axil_bvalid,",
         "\tinput  wire        s_axil_bready,",
         "\toutput reg  [1:0]  s_axil_bresp,",
         "\tinput  wire        s_axil_arvalid,",
         "\toutput wire        s_axil_arready,",
         f"\tinput  wire [{aw - 1}:0] s_axil_araddr,",
         "\toutput reg         s_axil_rvalid,",
         "\tinput  wire        s_axil_rready,",
         "\toutput reg  [31:0] s_axil_rdata,",
         "\toutput reg  [1:0]  s_axil_rresp,",
         "\t// card-side writes of rw registers",
         "\tinput  wire        card_we,",
         f"\tinput  wire [{aw - 1}:2] card_addr,",
         "\tinput  wire [31:0] card_wdata,",
         "\tinput  wire [3:0]  card_wstrb,"]
    ports = []
    for addr, port, _, _, doc in ins:
        ports.append((f"\tinput  wire [31:0] {port}", f"0x{addr:03x} {doc}"))
    for addr, port, kind, _, doc in outs:
        ports.append((f"\toutput reg  [31:0] {port}", f"0x{addr:03x} {kind} {doc}"))
    for i, (decl, doc) in enumerate(ports):
        o.append(f"{decl}{',' if i + 1 < len(ports) else ''} // {doc}")
    o += [");", "",
          "localparam [1:0] RESP_OKAY = 2'b00, RESP_SLVERR = 2'b10;", "",
          "// Inside a register block, 4-byte aligned.",
          f"function mapped(input [{aw - 1}:0] a);",
          "\tmapped = a[1:0] == 2'b00 && ("]
    o.append(" ||\n".join(f"\t\t(a >= {aw}'h{off:03x} && a < {aw}'h{off + size:03x})"
                          if off else f"\t\ta < {aw}'h{size:03x}"
                          for _, off, size in blocks) + ");")
    o += ["endfunction", "",
          "function [31:0] merge(input [31:0] old, input [31:0] d, input [3:0] be);",
          "\tmerge = {be[3] ? d[31:24] : old[31:24], be[2] ? d[23:16] : old[23:16],",
          "\t\t be[1] ? d[15:8] : old[15:8], be[0] ? d[7:0] : old[7:0]};",
          "endfunction", "",
          "// ---- writes ----",
          "wire w_take = s_axil_awvalid && s_axil_wvalid && !s_axil_bvalid;",
          f"wire [{ww - 1}:0] w_word = s_axil_awaddr[{aw - 1}:2];",
          "wire w_ok = mapped(s_axil_awaddr);",
          "assign s_axil_awready = w_take;",
          "assign s_axil_wready = w_take;", "",
          "// Byte enables of this cycle's card and host writes for the register at word a.",
          f"function [3:0] card_be(input [{ww - 1}:0] a);",
          "\tcard_be = card_we && card_addr == a ? card_wstrb : 4'h0;",
          "endfunction",
          f"function [3:0] host_be(input [{ww - 1}:0] a);",
          "\thost_be = w_take && w_ok && w_word == a ? s_axil_wstrb : 4'h0;",
          "endfunction", "",
          "always @(posedge clk) begin"]
    for addr, port, _, _, _ in outs:
        a = f"{ww}'h{addr >> 2:03x}"
        o.append(f"\t{port} <= merge(merge({port}, card_wdata, card_be({a})), s_axil_wdata,")
        o.append(f"\t\thost_be({a}));")
    o.append("\tif (rst) begin")
    for _, port, _, val, _ in outs:
        o.append(f"\t\t{port} <= 32'h{val:08x};")
    o += ["\tend", "end", "",
          "always @(posedge clk) begin",
          "\tif (w_take) begin",
          "\t\ts_axil_bvalid <= 1'b1;",
          "\t\ts_axil_bresp <= w_ok ? RESP_OKAY : RESP_SLVERR;",
          "\tend else if (s_axil_bready) begin",
          "\t\ts_axil_bvalid <= 1'b0;",
          "\tend",
          "\tif (rst) begin",
          "\t\ts_axil_bvalid <= 1'b0;",
          "\t\ts_axil_bresp <= RESP_OKAY;",
          "\tend",
          "end", "",
          "// ---- reads ----",
          "wire r_take = s_axil_arvalid && !s_axil_rvalid;",
          f"wire [{ww - 1}:0] r_word = s_axil_araddr[{aw - 1}:2];",
          "reg  [31:0] r_data;",
          "assign s_axil_arready = !s_axil_rvalid;", "",
          "always @(*) begin",
          f"\tcase (r_word)"]
    for addr, port, kind, val, doc in regs:
        if kind == "const":
            o.append(f"\t{ww}'h{addr >> 2:03x}: r_data = 32'h{val:08x}; // {doc}")
        elif kind == "wo":
            o.append(f"\t{ww}'h{addr >> 2:03x}: r_data = 32'h00000000; // {port}: write-only")
        else:
            o.append(f"\t{ww}'h{addr >> 2:03x}: r_data = {port};")
    o += ["\tdefault: r_data = 32'h00000000; // reserved, or outside every block (SLVERR)",
          "\tendcase",
          "end", "",
          "always @(posedge clk) begin",
          "\tif (r_take) begin",
          "\t\ts_axil_rvalid <= 1'b1;",
          "\t\ts_axil_rdata <= mapped(s_axil_araddr) ? r_data : 32'h00000000;",
          "\t\ts_axil_rresp <= mapped(s_axil_araddr) ? RESP_OKAY : RESP_SLVERR;",
          "\tend else if (s_axil_rready) begin",
          "\t\ts_axil_rvalid <= 1'b0;",
          "\tend",
          "\tif (rst) begin",
          "\t\ts_axil_rvalid <= 1'b0;",
          "\t\ts_axil_rdata <= 32'h00000000;",
          "\t\ts_axil_rresp <= RESP_OKAY;",
          "\tend",
          "end", "",
          "endmodule", "",
          "`default_nettype wire"]
    return "\n".join(o) + "\n"
