/**
 * The shapes that flow through the generator: what the reference pages say
 * (`Page*`), what the SDK headers say (`Header*`), and the merged ABI model
 * written to `ffi/generated/abi.json` (`Abi*`).
 *
 * @module
 */

/** A parameter's direction as the pages write it. */
export type Direction = "in" | "out" | "in, out";

/** Requirements block of a page (front matter `req.*`). */
export interface Requirements {
  header: string | null;
  includeHeader: string | null;
  lib: string | null;
  dll: string | null;
  minClient: string | null;
  minServer: string | null;
}

/** Where a fact came from in the corpus. */
export interface PageSource {
  /** Front matter UID, for example `NF:vsbackup.IVssBackupComponents.AddToSnapshotSet`. */
  uid: string;
  /** Path of the page inside the corpus root. */
  file: string;
  /** learn.microsoft.com URL of the page. */
  doc: string;
}

/** A parameter as documented. */
export interface PageParam {
  name: string;
  direction: Direction | null;
  /** Names the parameter's section sets in italics (other parameters it refers to). */
  mentions: string[];
  /** The section says the value must (or should) be NULL: a reserved parameter. */
  mustBeNull?: boolean;
}

/** A freeing function a page tells the caller to use. */
export type PageFreeWith =
  | "SysFreeString"
  | "CoTaskMemFree"
  | "VssFreeSnapshotProperties"
  | "FreeComponentInfo"
  | "FreeWriterStatus"
  | "Release";

/** How the caller disposes of an out parameter's value; `none` when nothing is owned. */
export type FreeWith = PageFreeWith | "none";

/** A page paragraph telling the caller to free something with `freeWith`. */
export interface PageFree {
  freeWith: PageFreeWith;
  /** Parameters of the page the statement names; empty when it names none. */
  params: string[];
}

/** A return code row as documented; `value` is null when the row gives no number. */
export interface PageReturnCode {
  name: string;
  value: number | null;
}

/** A method page. */
export interface PageMethod extends PageSource {
  interface: string;
  name: string;
  params: PageParam[];
  returnCodes: PageReturnCode[];
  requirements: Requirements;
  /** The page's ownership statements. */
  frees: PageFree[];
}

/** An interface (or C++ class) page. */
export interface PageInterface extends PageSource {
  name: string;
  header: string | null;
  /** The page's ownership statements (for example, who releases a returned pointer). */
  frees: PageFree[];
  /** Base classes named by the inheritance section, nearest first. */
  bases: string[];
  /** True when the page calls the type a C++ (not COM) interface. */
  cppOnly: boolean;
  requirements: Requirements;
}

/** An enumeration page; `value` is null where the page gives no number. */
export interface PageEnum extends PageSource {
  name: string;
  members: { name: string; value: number | null }[];
}

/** A structure or union page. */
export interface PageStruct extends PageSource {
  name: string;
  fields: string[];
  /** The page's ownership statements. */
  frees: PageFree[];
}

/** A function page. */
export interface PageFunction extends PageSource {
  name: string;
  params: PageParam[];
  returnCodes: PageReturnCode[];
  requirements: Requirements;
  /** The page's ownership statements. */
  frees: PageFree[];
}

/** One entry of the data types page. */
export interface PageDataType {
  name: string;
  /** The C declaration the page shows, e.g. `typedef GUID VSS_ID;`. */
  declaration: string;
}

/** A link found in the corpus that the project does not bind. */
export interface UnboundLink {
  name: string;
  href: string;
  /** Index page (or page) where the link was found. */
  from: string;
  reason: string;
}

/** Everything the generator read from the reference pages. */
export interface PageModel {
  interfaces: PageInterface[];
  methods: PageMethod[];
  enums: PageEnum[];
  structs: PageStruct[];
  functions: PageFunction[];
  dataTypes: PageDataType[];
  unbound: UnboundLink[];
  /** Every page file that was read, relative to the corpus root. */
  pagesRead: string[];
  /** HRESULT names (`VSS_E_*`, `VSS_S_*`, and codes in return-code tables) and the pages naming them. */
  hresultMentions: { name: string; files: string[] }[];
  /** Pinned pages of the corpus that no link from the root page reaches. */
  unreached: string[];
}

/** A C type as written in a header, normalised to single spaces (`VSS_ID *`, `const WCHAR *`). */
export type CType = string;

/** A parameter of a header method or function (the implicit `This` is not listed). */
export interface HeaderParam {
  name: string;
  type: CType;
}

/** A method in a header `...Vtbl` struct. */
export interface HeaderMethod {
  name: string;
  /** Absolute slot in the header's `Vtbl` struct (IUnknown methods are 0..2 when present). */
  slot: number;
  returns: CType;
  params: HeaderParam[];
}

/** An interface as the header declares it. */
export interface HeaderInterface {
  name: string;
  header: string;
  /** Lower-case `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, or null when the header's IID is all zero. */
  iid: string | null;
  /** Base named in the C++ declaration (`: public X`), or null when there is none. */
  base: string | null;
  /** Every slot of the `Vtbl` struct, inherited ones included, in order. */
  vtbl: HeaderMethod[];
}

/** An enum as the header declares it, values evaluated. */
export interface HeaderEnum {
  name: string;
  tag: string | null;
  header: string;
  members: { name: string; value: number; expression: string }[];
}

/** A struct or union as the header declares it. */
export interface HeaderStruct {
  name: string;
  tag: string | null;
  kind: "struct" | "union";
  header: string;
  fields: { name: string; type: CType }[];
}

/** A function prototype in a header. */
export interface HeaderFunction {
  name: string;
  header: string;
  returns: CType;
  params: HeaderParam[];
  /** True for `static __inline` helpers that forward to an exported function. */
  inline: boolean;
  /** For inline helpers: the function they call. */
  forwardsTo: string | null;
}

/** An HRESULT `#define` from a header, as an unsigned 32-bit value. */
export interface HeaderHresult {
  name: string;
  value: number;
  header: string;
}

/** Everything the generator read from the SDK headers. */
export interface HeaderModel {
  interfaces: HeaderInterface[];
  enums: HeaderEnum[];
  structs: HeaderStruct[];
  typedefs: { name: string; type: CType; header: string }[];
  functions: HeaderFunction[];
  hresults: HeaderHresult[];
  /** `DEFINE_GUID` names other than `IID_*` (CLSIDs, LIBIDs), lower-case canonical value. */
  guids: { name: string; value: string; header: string }[];
  /** `#define NAME value` integer constants other than HRESULTs (e.g. `VSS_SW_BOOTABLE_STATE`). */
  constants: { name: string; value: number; header: string }[];
}

/** A parameter in the ABI model. */
export interface AbiParam {
  name: string;
  /** C type from the header, typedefs kept (`VSS_PWSZ`, `VSS_ID *`). */
  type: CType;
  direction: Direction;
  /** How the direction was decided when the page gives none. */
  directionFrom?: "page" | "header type";
  /** Deno FFI type the value crosses as (`pointer`, `i32`, `struct:GUID`, ...). */
  ffi: string;
  /** For enum-typed values (or pointers to them): the enumeration. */
  enum?: string;
  /** Out parameters: how the caller frees what the callee returns (`none`: nothing to free). */
  freeWith?: FreeWith;
  /**
   * Out parameters: where `freeWith` comes from: the page path inside the corpus, or
   * `header: ...` / `convention: ...` when no page states it.
   */
  ownerSource?: string;
  /** Array out parameters: the parameter that receives the number of elements returned. */
  countParam?: string;
  /** Caller-allocated array out parameters: the in parameter giving the buffer's capacity. */
  capacityParam?: string;
  /** Where `countParam` and `capacityParam` come from, as `ownerSource`. */
  countSource?: string;
  /**
   * A reserved pointer the page says must be NULL: the wrappers pass NULL and
   * take no argument for it (`page`: the method's page says so).
   */
  passNull?: "page";
}

/** A vtable slot. */
export interface AbiMethod {
  name: string;
  /** Absolute slot in the vtable this method lives in (IUnknown = 0..2). */
  slot: number;
  params: AbiParam[];
  /** C return type (`HRESULT`, or `ULONG` for AddRef/Release). */
  returns: CType;
  /** Deno FFI type of the return value. */
  resultFfi: string;
  /** Names of the codes the method's page documents. */
  returnCodes: string[];
  /** learn.microsoft.com address of the method's page; null for IUnknown slots. */
  doc: string | null;
}

/** A vtable pointer inside an object, for types laid out with more than one base. */
export interface AbiVptr {
  /** Byte offset of the vtable pointer from the object's address. */
  offset: number;
  /** The interface whose vtable that pointer leads to. */
  interface: string;
}

/** An interface or C++ class in the ABI model. */
export interface AbiInterface {
  iid: string | null;
  base: string | null;
  header: string;
  /** `com`: a MIDL interface; `c++`: a C++ class exported by vssapi.dll (no IID of its own). */
  kind: "com" | "c++";
  doc: string | null;
  requirements: Requirements | null;
  /** The methods this interface declares (inherited ones live on the base). */
  methods: AbiMethod[];
  /** Number of slots in this interface's vtable, inherited ones included. */
  vtableSize: number;
  /** Vtable pointers in the object; one entry at offset 0 for single inheritance. */
  vptrs: AbiVptr[];
  /** Offset of the IUnknown sub-object (whose slots 0..2 manage lifetime); null when the type has none. */
  unknownOffset: number | null;
}

/** A struct or union field with its Windows x64 placement. */
export interface AbiField {
  name: string;
  type: CType;
  offset: number;
  size: number;
  align: number;
  /** Deno FFI type the value has (`pointer`, `i32`, `struct:GUID`, ...). */
  ffi: string;
  /** For enum-typed fields: the enumeration. */
  enum?: string;
}

/** A struct or union with its Windows x64 layout. */
export interface AbiStruct {
  kind: "struct" | "union";
  header: string;
  doc: string | null;
  size: number;
  align: number;
  fields: AbiField[];
  /** How the caller frees the pointers inside a returned value, when the struct's page says. */
  freeWith?: FreeWith;
  /** The page stating `freeWith`. */
  ownerSource?: string;
}

/** An enumeration; member values are signed 32-bit, as MSVC types enumerators. */
export interface AbiEnum {
  header: string;
  doc: string | null;
  members: Record<string, number>;
}

/** An exported function. */
export interface AbiFunction {
  dll: string;
  header: string;
  doc: string | null;
  params: AbiParam[];
  returns: CType;
  /** Deno FFI type of the return value. */
  resultFfi: string;
  returnCodes: string[];
  /** The inline header helper that forwards to this export, if any. */
  helper: string | null;
}

/** An HRESULT with its unsigned 32-bit value. */
export interface AbiHresult {
  value: number;
  /** Where the value was read: a page table, a header, or both in agreement. */
  source: "page" | "header" | "page+header";
  /** `Interface::Method` or function names whose pages list this code. */
  documentedBy: string[];
}

/** One difference between the pages and the headers, and how it was settled. */
export interface Disagreement {
  /** Stable key, used by the reviewed explanations file. */
  id: string;
  kind: string;
  subject: string;
  pages: unknown;
  headers: unknown;
  /** The rule the generator applied. */
  rule: string;
  /** The reviewed one-line reason, or null when nobody has explained it yet. */
  reason: string | null;
}

/** The ABI model written to `ffi/generated/abi.json`. */
export interface AbiModel {
  generatedBy: string;
  conventions: Record<string, string>;
  interfaces: Record<string, AbiInterface>;
  enums: Record<string, AbiEnum>;
  structs: Record<string, AbiStruct>;
  functions: Record<string, AbiFunction>;
  hresults: Record<string, AbiHresult>;
  typedefs: Record<string, CType>;
  guids: Record<string, string>;
  constants: Record<string, number>;
  dataTypes: Record<string, { declaration: string; doc: string }>;
  notBound: { name: string; href: string; from: string; reason: string }[];
  disagreements: Disagreement[];
}
