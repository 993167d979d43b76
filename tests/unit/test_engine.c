/* test_engine.c - span tree, overlay edits, rendering (yaml-engine.md 6.7) */
#include "helpers.h"
#include "scalar.h"
#include "verify.h"

/* 1. identity */
static void test_no_ops_identity(void **state)
{
	(void)state;
	EXPECT_EDIT("a: 1 # c\nb: [ x,  y ]\n", "a: 1 # c\nb: [ x,  y ]\n", "del .zz");
}

/* 2. CRLF stays CRLF */
static void test_crlf_insert(void **state)
{
	(void)state;
	EXPECT_EDIT("a:\r\n  b: 1\r\nc: 2\r\n", "a:\r\n  b: 1\r\n  x: true\r\nc: 2\r\n",
		    "set .a.x=true");
}

static void test_mixed_eol_follows_local_line(void **state)
{
	(void)state;
	EXPECT_EDIT("a: 1\nb:\r\n  c: 1\r\n", "a: 1\nb:\r\n  c: 1\r\n  d: 2\r\n",
		    "set .b.d=2");
}

/* 3. BOM kept, offsets right */
static void test_bom(void **state)
{
	(void)state;
	EXPECT_EDIT("\xEF\xBB\xBF" "a: 1\n", "\xEF\xBB\xBF" "a: 2\n", "set .a=2");
	EXPECT_EDIT("\xEF\xBB\xBF" "a: 1\n", "\xEF\xBB\xBF" "a: 1\nb: x\n", "set .b=x");
}

/* 4. no final newline */
static void test_no_final_newline(void **state)
{
	(void)state;
	/* the last line is left alone: new keys go before the last pair */
	EXPECT_EDIT("a:\n  b: 1\n  d: 1", "a:\n  b: 1\n  c: 2\n  d: 1", "set .a.c=2");
	/* ... but never before the map's first pair: its line names the map */
	EXPECT_EDIT("a:\n  b: 1", "a:\n  b: 1\n  c: 2", "set .a.c=2");
	/* ... unless that pair spans lines: then the last line gains its EOL */
	EXPECT_EDIT("a:\n  b:\n    x: 1", "a:\n  b:\n    x: 1\n  c: 2", "set .a.c=2");
	EXPECT_EDIT("l:\n- x", "l:\n- x\n- y2", "set .l[1]=y2");
	EXPECT_EDIT("a: 1\nb: 2", "a: 1", "del .b");
	/* the line break before belongs to a block scalar: it stays */
	EXPECT_EDIT("a: |\n  x\nb: 1", "a: |\n  x\n", "del .b");
	EXPECT_EDIT("a: |-\n  x\nb: 1", "a: |-\n  x", "del .b");
	/* a line of spaces deeper than the indentation is content: " " */
	EXPECT_EDIT("s: |-\n M\n  \n", "s: |-\n M\n  \nz: 1\n", "set .z=1");
	EXPECT_EDIT("s: |2-\n   M\n    \n", "s: |2-\n   M\n    \nz: 1\n", "set .z=1");
	/* its lines of spaces before the first content line count as lines */
	EXPECT_EDIT("- |1\n    \n  #  \n  \n", "- |1\n    \n  #  \n  \n- x\n", "set .[1]=x");
	/* ... in folded scalars too (a line feed each, never folded) */
	EXPECT_EDIT("- >\n \n   # \n    \n\n # c", "- >\n \n   # \n    \n- x\n\n # c",
		    "set .[1]=x");
	/* an empty block scalar with a comment after its header takes a
	 * comment line that a removal brings up to it: it goes too */
	EXPECT_EDIT("- > #\n-\n #", "- > #\n", "del .[1]");
	/* a '|' in a comment line before a block scalar is not its header */
	EXPECT_EDIT("- a\n# c |# x\n- |+\n\n \n\n# t\n", "- a\n# c |# x\n- |+\n\n \n\n- z\n# t\n",
		    "set .[2]=z");
	/* a core tag of another type is not written over */
	EXPECT_EDIT("d: !!int 5\n", "d: !!int 6\n", "set .d=6");
	EXPECT_EDIT_FAILS("c: !!null x\n", "another type", "set .c=y2");
	/* a tag with no text gets its value after a blank */
	EXPECT_EDIT("a: !t\nc: !t # c\n", "a: !t x\nc: !t q # c\n", "set .a=x", "set .c=q");
	/* an emptied block collection keeps its tag and anchor */
	EXPECT_EDIT("d: !foo\n x: 1\n", "d: !foo {}\n", "del .d.x");
	EXPECT_EDIT("- &a\n  x: 1\n", "- &a {}\n", "del .[0].x");
	/* blank and comment lines that would join a block scalar go too */
	EXPECT_EDIT("a: |+\n  x\nb: 1\n\nc: 2\n", "a: |+\n  x\nc: 2\n", "del .b");
	EXPECT_EDIT("a: |-\n x\n\nb: 1\n # c\nc: 2\n", "a: |-\n x\n\nc: 2\n", "del .b");
	/* the removed last line (kept line break before) gives way to new ones */
	EXPECT_EDIT("a: |+\n\nb: 1", "a: |+\n\nc: 2", "del .b", "set .c=2");
	/* the last two lines go: their removals overlap on the line break */
	EXPECT_EDIT("a: 1\nb: 2\nc: 3", "a: 1", "del .b", "del .c");
	EXPECT_EDIT("a: 1\r\nb: 2\r\nc: 3", "a: 1", "del .b", "del .c");
	EXPECT_EDIT("a: |\n  x\nb: 2\nc: 3", "a: |\n  x\n", "del .b", "del .c");
}

/* 5. sequence item shapes */
static void test_item_shapes(void **state)
{
	(void)state;
	EXPECT_EDIT("l:\n- name: a\n  x: 1\n", "l:\n- name: a\n  x: 1\n  w: 2\n",
		    "set .l[0].w=2");
	EXPECT_EDIT("l:\n  - name: a\n", "l:\n  - name: a\n    w: 2\n", "set .l[0].w=2");
	EXPECT_EDIT("l:\n-   name: a\n", "l:\n-   name: a\n    w: 2\n", "set .l[0].w=2");
	EXPECT_EDIT("l:\n-\n  name: a\n", "l:\n-\n  name: a\n  w: 2\n", "set .l[0].w=2");
	/* a '-' inside a comment is not the item's dash */
	EXPECT_EDIT("- # a |-\n r - s\n", "- # a |-\n r - s\n- t\n", "set .[1]=t");
	EXPECT_EDIT("-\n  # c -\n  y\n", "-\n  # c -\n  y\n- z\n", "set .[1]=z");
}

static void test_seq_append_styles(void **state)
{
	(void)state;
	EXPECT_EDIT("l:\n- a\n- b\n", "l:\n- a\n- b\n- c\n", "set .l=[a, b, c]");
	EXPECT_EDIT("l:\n  - a\n", "l:\n  - a\n  - c\n", "set .l=[a, c]");
	EXPECT_EDIT("l: [a]\n", "l: [a, c]\n", "set .l=[a, c]");
	EXPECT_EDIT("l: []\n", "l:\n  - c\n", "set .l=[c]");
	EXPECT_EDIT("l: [ a ]\n", "l: [ a, c ]\n", "set .l[1]=c");
	EXPECT_EDIT("l:\n- a: 1\n", "l:\n- a: 1\n- b: 2\n  c: 3\n", "set .l[1]={b: 2, c: 3}");
}

/* 6. indent units follow the file */
static void test_indent_units(void **state)
{
	(void)state;
	EXPECT_EDIT("a:\n    b: 1\n", "a:\n    b: 1\n    c:\n        d: 1\n", "set .a.c.d=1");
	EXPECT_EDIT("a:\n   b: 1\n", "a:\n   b: 1\nz:\n   v: 1\n", "set .z.v=1");
	EXPECT_EDIT("a:\n  b:\n  - x\n", "a:\n  b:\n  - x\n  c:\n  - v\n", "set .a.c=[v]");
	EXPECT_EDIT("a:\n  b:\n    - x\n", "a:\n  b:\n    - x\n  c:\n    - v\n", "set .a.c=[v]");
}

/* 7. what the last value is */
static void test_last_value_shapes(void **state)
{
	(void)state;
	EXPECT_EDIT("m:\n  a: |\n    x\n    y\n", "m:\n  a: |\n    x\n    y\n  b: 1\n",
		    "set .m.b=1");
	EXPECT_EDIT("m:\n  a: |+\n    x\n\n\nn: 1\n",
		    "m:\n  a: |+\n    x\n\n\n  b: 1\nn: 1\n", "set .m.b=1");
	EXPECT_EDIT("m:\n  a: >-\n    x\n\n  # c\nn: 1\n",
		    "m:\n  a: >-\n    x\n  b: 1\n\n  # c\nn: 1\n", "set .m.b=1");
	EXPECT_EDIT("m:\n  a: \"q\n    r\"  # c\n", "m:\n  a: \"q\n    r\"  # c\n  b: 1\n",
		    "set .m.b=1");
	EXPECT_EDIT("m:\n  a: plain\n    continued\n",
		    "m:\n  a: plain\n    continued\n  b: 1\n", "set .m.b=1");
	EXPECT_EDIT("m:\n  a:\n    deep: 1 # c\n", "m:\n  a:\n    deep: 1 # c\n  b: 1\n",
		    "set .m.b=1");
}

/* 8. trailing comments stay after the new key */
static void test_trailing_comments(void **state)
{
	(void)state;
	EXPECT_EDIT("m:\n  a: 1\n    # deeper\n  # c\n\nn: 1\n",
		    "m:\n  a: 1\n  b: 2\n    # deeper\n  # c\n\nn: 1\n", "set .m.b=2");
}

/* 9. comment between key and value */
static void test_comment_after_key(void **state)
{
	(void)state;
	EXPECT_EDIT("k: # c\n  child: 1\n", "k: # c\n  child: 1\n  other: 2\n",
		    "set .k.other=2");
	EXPECT_EDIT("k: [a, # c\n  b]\n", "k: [a, # c\n  b,\n  c]\n", "set .k[2]=c");
}

/* 10. flow collections */
static void test_flow_maps(void **state)
{
	(void)state;
	EXPECT_EDIT("a: {}\nb: 1\n", "a:\n  x: 1\nb: 1\n", "set .a.x=1");
	EXPECT_EDIT("a: {b: 1}\n", "a: {b: 1, c: 2}\n", "set .a.c=2");
	EXPECT_EDIT("a: { b: 1 }\n", "a: { b: 1, c: 2 }\n", "set .a.c=2");
	EXPECT_EDIT("a: {\n  b: 1,\n}\n", "a: {\n  b: 1,\n  c: 2,\n}\n", "set .a.c=2");
	EXPECT_EDIT("a: {\n  b: 1\n}\n", "a: {\n  b: 1,\n  c: 2\n}\n", "set .a.c=2");
	EXPECT_EDIT("[{a: 1}]\n", "[{a: 1, b: {c: [x]}}]\n", "set .[0].b.c=[x]");
	EXPECT_EDIT("a: {b: 1, c: 2}\n", "a: {c: 2}\n", "del .a.b");
	EXPECT_EDIT("a: {b: 1, c: 2}\n", "a: {b: 1}\n", "del .a.c");
	EXPECT_EDIT_ONCE("a: [x, y, z]\n", "a: [x, z]\n", "del .a[1]");
	EXPECT_EDIT("a: [x, y, z]\n", "a: [x, y]\n", "del .a[2]");
	/* the one-pair map of a flow sequence has no braces to edit inside */
	EXPECT_EDIT_ONCE("[x, a: 1, y]\n", "[x, y]\n", "del .[1]");
	EXPECT_EDIT_ONCE("[\n?ab: c\n]\n", "[\nx\n]\n", "del .[0]", "set .[0]=x");
	EXPECT_EDIT("[a: 1]\n", "[a: 3]\n", "set .[0].a=3");
	EXPECT_EDIT_FAILS("[a: 1]\n", "one-pair mapping", "set .[0].b=2");
	EXPECT_EDIT("{m:}\n", "{m: , z: 1}\n", "set .z=1");
	EXPECT_EDIT("{m:\n }\n", "{m: ,\n z: 1\n }\n", "set .z=1");
	/* a tag or anchor with no text keeps a blank before ',' and '}' */
	EXPECT_EDIT("{a, ! , b}\n", "{a, ! }\n", "del .b");
	/* a flow `? key` whose ':' is on a later line */
	EXPECT_EDIT("{?\n:\n#\n}\n", "{?\n: ,\n zz: 1\n#\n}\n", "set .zz=1");
	/* a flow `{?` with its key on the next line goes whole */
	EXPECT_EDIT("{?\n ke, b: 1}\n", "{b: 1}\n", "del .ke");
	EXPECT_EDIT("{?\n#\n:}\n", "{?\n#\n: ,\n z: 1}\n", "set .z=1");
	/* kept explicit entries keep their '?' */
	EXPECT_EDIT("{? , j, ? y  ,b}\n", "{? , j, ? y}\n", "del .b");
	/* a kept `k:` with no value keeps the blank after its ':' */
	EXPECT_EDIT("{a: , b: 1}\n", "{a: , c: 1}\n", "del .b", "set .c=1");
	/* ... also when its ',' goes before a comment ending the line */
	EXPECT_EDIT("{a: 1, b:   # c\n}\n", "{a: 1, b: ,   # c\n       z: 1\n}\n", "set .z=1");
	EXPECT_EDIT("{f,? k\n:   # \n}", "{? k\n: ,   # \n   z: true\n}", "del .f", "set .z=true");
}

/* multi-line flow collections (JSON): removals take their lines and one
 * comma, new entries keep the layout, several removals never collide */
static void test_flow_multiline_removals(void **state)
{
	const char *j = "{\n  \"a\": 1,\n  \"b\": 2\n}\n";

	(void)state;
	EXPECT_EDIT(j, "{\n  \"a\": 1\n}\n", "del .b");
	EXPECT_EDIT(j, "{\n  \"b\": 2\n}\n", "del .a");
	EXPECT_EDIT(j, "{}\n", "del .a", "del .b"); /* i18-14: as JSON writes it */
	EXPECT_EDIT(j, "{\n  \"a\": 1,\n  \"c\": 3\n}\n", "del .b", "set .c=3");
	EXPECT_EDIT(j, "{\n  \"b\": 2,\n  \"c\": 3\n}\n", "del .a", "set .c=3");
	EXPECT_EDIT(j, "{\n  \"c\": 3,\n  \"d\": 4\n}\n", "del .a", "del .b",
		    "set .c=3", "set .d=4");
	EXPECT_EDIT("{\n  a: 1,\n  b: 2,\n}\n", "{\n  a: 1,\n  c: 3,\n}\n", "del .b",
		    "set .c=3");
	EXPECT_EDIT("{\n  a: 1,\n  b: 2,\n}\n", "{\n  a: 1,\n}\n", "del .b");
	EXPECT_EDIT("{\n  a: 1,\n  b: 2,\n}\n", "{\n  c: 3,\n}\n", "del .a", "del .b",
		    "set .c=3");
	EXPECT_EDIT("x: [\n  1,\n  2, # two\n  3\n]\n", "x: [\n  1,\n  2 # two\n]\n",
		    "del .x[2]");
	EXPECT_EDIT_ONCE("x: [\n  1,\n  2, # two\n  3\n]\n", "x: [\n  1,\n  3\n]\n",
			 "del .x[1]");
	EXPECT_EDIT("x: [\n  1,\n  2,\n  3\n]\n", "x: []\n", "del .x[0]", "del .x[0]",
		    "del .x[0]");
	/* a comment ending the kept entry's line stays on that line */
	EXPECT_EDIT("{\n  a: 1, # one\n  b: 2\n}\n", "{\n  a: 1, # one\n  c: 3\n}\n",
		    "del .b", "set .c=3");
	EXPECT_EDIT("{\n  a: 1 # one\n}\n", "{\n  a: 1, # one\n  c: 3\n}\n", "set .c=3");
	/* entries sharing lines */
	EXPECT_EDIT("{a: 1, b: 2,\n  c: 3}\n", "{a: 1,\n  c: 3}\n", "del .b");
	EXPECT_EDIT("{\n  a: 1, b: 2\n}\n", "{\n  p: 1,\n  q: 2\n}\n", "del .a", "del .b",
		    "set .p=1", "set .q=2");
	/* one line, a kept entry with edits of its own */
	EXPECT_EDIT("a: {b: 1, c: 2, d: {e: 1}}\n", "a: {d: {e: 1, f: 2}}\n", "del .a.b",
		    "del .a.c", "set .a.d.f=2");
	EXPECT_EDIT_ONCE("a: [x, {e: 1}, y, z]\n", "a: [{e: 1, f: 2}]\n", "del .a[0]",
		    "del .a[1]", "del .a[1]", "set .a[0].f=2");
}

/* a JSON file (every key double-quoted) stays JSON */
static void test_json_style(void **state)
{
	(void)state;
	EXPECT_EDIT("{\"a\": {\"b\": 1}}\n",
		    "{\"a\": {\"b\": 1, \"c\": [\"ALL\"], \"d\": {\"m\": \"512M\", \"t\": true}}}\n",
		    "set .a.c=[ALL]", "set .a.d={m: 512M, t: true}");
	/* i18-14: new JSON follows a pretty-printed file's layout */
	EXPECT_EDIT("{\n  \"a\": []\n}\n", "{\n  \"a\": [\n    \"x\",\n    1\n  ]\n}\n",
		    "set .a=[x, 1]");
	EXPECT_EDIT("{\n   \"a\": {\n      \"b\": [ ]\n   }\n}\n",
		    "{\n   \"a\": {\n      \"b\": [\n         {\n            \"n\": \"t\",\n"
		    "            \"e\": {}\n         }\n      ],\n      \"c\": {\n         \"d\": [\n"
		    "            \"ALL\"\n         ]\n      }\n   }\n}\n",
		    "set .a.b=[{n: t, e: {}}]", "set .a.c={d: [ALL]}");
	EXPECT_EDIT("{\r\n  \"a\" : 1\r\n}\r\n",
		    "{\r\n  \"a\" : 1,\r\n  \"b\" : {\r\n    \"c\" : true\r\n  }\r\n}\r\n",
		    "set .b={c: true}");
	EXPECT_EDIT("{\n  \"a\": null\n}\n", "{\n  \"a\": {\n    \"b\": 1\n  }\n}\n", "set .a.b=1");
	/* items replaced in place, a map emptied, a string for a bool */
	EXPECT_EDIT("{\n  \"a\": [\n    {},\n    1\n  ]\n}\n",
		    "{\n  \"a\": [\n    [\n      2\n    ],\n    3\n  ]\n}\n", "set .a=[[2], 3]");
	EXPECT_EDIT("{\n  \"a\": {\n    \"b\": 1\n  },\n  \"c\": true\n}\n",
		    "{\n  \"a\": {},\n  \"c\": \"s\"\n}\n", "del .a.b", "set .c=s");
	/* indented with tabs (`jq --tab`, Go's MarshalIndent with "\t") */
	EXPECT_EDIT("{\n\t\"a\": [],\n\t\"b\": 1\n}\n",
		    "{\n\t\"a\": [\n\t\t{\n\t\t\t\"x\": 1\n\t\t}\n\t]\n}\n",
		    "set .a=[{x: 1}]", "del .b");
	EXPECT_EDIT("{\n\t\"a\": 1,\n\t\"b\": 2\n}\n", "{\n\t\"b\": 2,\n\t\"c\": [\n\t\t3\n\t]\n}\n",
		    "del .a", "set .c=[3]");
	/* one line: one-line additions, with the file's blanks */
	EXPECT_EDIT("{\"a\":{\"b\":1}}", "{\"a\":{\"b\":1,\"c\":{\"d\":[1,2]}}}", "set .a.c={d: [1, 2]}");
	EXPECT_EDIT("{\"a\": [], \"b\": 1}\n", "{\"a\": [{\"x\": 1}], \"b\": 1}\n", "set .a=[{x: 1}]");
	/* one plain key: a YAML file, plain keys and scalars as before */
	EXPECT_EDIT("{\"a\": 1, b: 2}\n", "{\"a\": 1, b: 2, c: x}\n", "set .c=x");
}

/* found by fuzz_edit: an empty key's pair starts at its ':'; a `|+` header
 * ending the file holds "" (libfyaml alone reads a NUL byte there) */
static void test_empty_key_and_empty_keep_scalar(void **state)
{
	(void)state;
	EXPECT_EDIT(":\n", ":\nzz: 1\n", "set .zz=1");
	EXPECT_EDIT(":", ":\nzz: 1", "set .zz=1");
	EXPECT_EDIT("- : 2\n  b: 3\n", "- : 2\n  b: 3\n  c: 1\n", "set .[0].c=1");
	EXPECT_EDIT("- |+\n", "- |+\n- 1\n", "set .[1]=1");
	EXPECT_EDIT("a: |+\n", "a: |+\nz: 1\n", "set .z=1");
	EXPECT_EDIT("a: |+\n\n\nb: 1\n", "a: |+\n\n\nb: 1\nz: 1\n", "set .z=1");
	EXPECT_EDIT("- a\n- |+\n", "- b\n- |+\n", "set .[0]=b");
	/* libyaml "", libfyaml "\n": nothing can follow it */
	EXPECT_EDIT_FAILS("- |+\n ", "parsers disagree", "set .[1]=1");
	/* a block scalar ends the file without a line break: "tex" (YAML 1.2
	 * [165]); new pairs go before its pair, else it gets strip chomping */
	EXPECT_EDIT("a: 1\nk: |+\n  tex", "a: 1\nz: 1\nk: |+\n  tex", "set .z=1");
	EXPECT_EDIT("a: 1\nk: |\n  tex", "a: 1\nz: 1\nk: |\n  tex", "set .z=1");
	EXPECT_EDIT("k: |+\n  tex", "k: |-\n  tex\nz: 1", "set .z=1");
	EXPECT_EDIT("- |\n  tex", "- |-\n  tex\n- 1", "set .[1]=1");
	EXPECT_EDIT("- >2\n   tex  ", "- >-2\n   tex  \n- 1", "set .[1]=1");
	EXPECT_EDIT("- |2+\n   tex", "- |2-\n   tex\n- 1", "set .[1]=1");
	/* its last line holds only spaces, deeper than its indentation: "x\n " */
	EXPECT_EDIT("- |\n x\n  ", "- |-\n x\n  \n- 1", "set .[1]=1");
	EXPECT_EDIT_FAILS("- |\n x\n ", "parsers disagree", "set .[1]=1");
	EXPECT_EDIT("- a: |1\n   W\n      ", "- a: |-1\n   W\n      \n- 1", "set .[1]=1");
	/* libfyaml takes indented lines after an empty `|` as its content */
	EXPECT_EDIT("a:\n  j: 1\n  k: |\n", "a:\n  j: 1\n  z: 1\n  k: |\n", "set .a.z=1");
	EXPECT_EDIT_FAILS("a:\n  k: |\n", "empty block scalar", "set .a.z=1");
	EXPECT_EDIT_FAILS(" - |", "empty block scalar", "set .[1]=1");
	EXPECT_EDIT("k: |\n", "k: |\nz: 1\n", "set .z=1");
	EXPECT_EDIT("a:\n  b: x\n  c: |\n    t", "a:\n  b: x\n  d: 1\n  c: |-\n    t\nz: 1",
		    "set .a.d=1", "set .z=1");
}

/* 11. null and empty targets */
static void test_null_targets(void **state)
{
	(void)state;
	EXPECT_EDIT("k:\nz: 1\n", "k:\n  a: 1\nz: 1\n", "set .k.a=1");
	EXPECT_EDIT("k: ~\nz: 1\n", "k:\n  a: 1\nz: 1\n", "set .k.a=1");
	EXPECT_EDIT("k: null # c\nz: 1\n", "k: # c\n  a: 1\nz: 1\n", "set .k.a=1");
	EXPECT_EDIT("k: []\n", "k:\n  - a\n", "set .k=[a]");
	EXPECT_EDIT("k:\n", "k: 5\n", "set .k=5");
}

/* explicit keys (`? key`): the ':' may start a later line, or be missing */
static void test_explicit_keys(void **state)
{
	(void)state;
	EXPECT_EDIT("a: 1\n? b\n:\n", "a: 1\n? b\n:\nc: 2\n", "set .c=2");
	EXPECT_EDIT("a: 1\n? b # k\n# between\n:   # v\n", "a: 1\n? b # k\n# between\n:   # v\nc: 2\n",
		    "set .c=2");
	EXPECT_EDIT("m:\n  ? b\n  :\nz: 1\n", "m:\n  ? b\n  :\n  c: 2\nz: 1\n", "set .m.c=2");
	EXPECT_EDIT("m:\n  ? b\nz: 1\n", "m:\n  ? b\n  c: 2\nz: 1\n", "set .m.c=2");
	EXPECT_EDIT("- ? b\n  : 1\n", "- ? b\n  : 1\n  c: 2\n", "set .[0].c=2");
	EXPECT_EDIT("? b\n:\n", "? b\n: 5\n", "set .b=5");
	EXPECT_EDIT("? b\n:\n", "? b\n:\n  x: 5\n", "set .b.x=5");
	EXPECT_EDIT("? b\n: 1\n", "? b\n: 1\nc:\n  x: 5\n", "set .c.x=5");
	/* a `? key` with no ':' gains one with its value: a line in block,
	 * `: v` after the key in flow; a comment on the key line stays there */
	EXPECT_EDIT("m:\n  ? b\nz: 1\n", "m:\n  ? b\n  :\n    x: 5\nz: 1\n", "set .m.b.x=5");
	EXPECT_EDIT("a: 1\n? b # c\nz: 1\n", "a: 1\n? b # c\n: 5\nz: 1\n", "set .b=5");
	EXPECT_EDIT("a: 1\r\n? b", "a: 1\r\n? b\r\n:\r\n  - x", "set .b=[x]");
	EXPECT_EDIT("- ? b\n- c\n", "- ? b\n  :\n    - x\n- c\n", "set .[0].b=[x]");
	EXPECT_EDIT("? a\n? b\n", "? a\n: 1\n? b\n: 2\n", "set .a=1", "set .b=2");
	EXPECT_EDIT("{a: 1, ? b }\n", "{a: 1, ? b: {x: 5} }\n", "set .b.x=5");
	EXPECT_EDIT("x: {a, b: 2}\n", "x: {a: 1, b: 2}\n", "set .x.a=1");
	/* the '?' alone on a line above its key, comments between */
	EXPECT_EDIT("m:\n  ? # what?\n    b\nz: 1\n", "m:\n  ? # what?\n    b\n  c: 2\nz: 1\n",
		    "set .m.c=2");
	EXPECT_EDIT("a: 1\n? # c?\n  b", "a: 1\nz: 1\n? # c?\n  b", "set .z=1");
	/* removing an explicit pair takes its '?' line */
	EXPECT_EDIT("? a\n: 1\nb: 2\n", "b: 2\n", "del .a");
	EXPECT_EDIT("b: 2\n? a\nc: 3\n", "b: 2\nc: 3\n", "del .a");
	EXPECT_EDIT("b: 2\n? # c\n  a\n: 1\nc: 3\n", "b: 2\nc: 3\n", "del .a");
	/* the first key of a "- k: v" item removed: the next, explicit, comes up */
	EXPECT_EDIT("- t: 1\n  ? s\n  : b\n", "- ? s\n  : b\n", "del .[0].t");
	/* empty `?` keys */
	EXPECT_EDIT("a: v\n?", "a: v\nz: 1\n?", "set .z=1");
	EXPECT_EDIT("?\n", "?\nz: 1\n", "set .z=1");
	/* a `? key` with no value ends after its key's `|+` blank lines */
	EXPECT_EDIT("?\n- |+\n\n", "?\n- |+\n\nzz: 1\n", "set .zz=1");
	/* a BOM right before a root block scalar's header */
	EXPECT_EDIT("\xEF\xBB\xBF>\n x\n", "\xEF\xBB\xBF>\n x\n", "del .zz");
	/* a BOM before the '?' line */
	EXPECT_EDIT("\xEF\xBB\xBF?\n\n bk\n", "\xEF\xBB\xBF?\n\n bk\nz: 1\n", "set .z=1");
	EXPECT_EDIT("\xEF\xBB\xBF-\n  x\n", "\xEF\xBB\xBF-\n  x\n- y2\n", "set .[1]=y2");
	/* that '?' is the empty key's, not the next key's */
	EXPECT_EDIT("? \nbc:", "? \nzz: 1\nbc:", "set .zz=1");
}

/* 12. anchors, aliases, merge keys */
static void test_anchors(void **state)
{
	(void)state;
	EXPECT_EDIT_FAILS("a: &sc {x: 1}\nb: *sc\n", "alias", "set .a.w=2");
	EXPECT_EDIT_FAILS("a: &sc {x: 1}\nb: *sc\n", "alias", "set .b.w=2");
	/* a key reached only through a merge is added locally */
	EXPECT_EDIT("base: &b\n  x: 1\nsvc:\n  <<: *b\n  w: 2\n",
		    "base: &b\n  x: 1\nsvc:\n  <<: *b\n  w: 2\n  x: 3\n", "set .svc.x=3");
	/* an anchor nobody aliases is an ordinary node */
	EXPECT_EDIT("a: &lonely\n  x: 1\n", "a: &lonely\n  x: 1\n  w: 2\n", "set .a.w=2");
}

/* 13. tags and anchors on their own line */
static void test_tags(void **state)
{
	(void)state;
	EXPECT_EDIT("a: !!map\n  x: 1\n", "a: !!map\n  x: 1\n  w: 2\n", "set .a.w=2");
	EXPECT_EDIT("a: &x\n  b: 1\n", "a: &x\n  b: 1\n  c: 2\n", "set .a.c=2");
}

/* 14. multi-document streams */
static void test_multidoc(void **state)
{
	/* a directive above "---" with a blank line between is the next
	 * document's: the first, edited alone, must not end with it */
	EXPECT_EDIT("a: 1\n...\n%YAML 1.2\n\n---\nb: 2\n",
		    "a: 1\nz: 1\n...\n%YAML 1.2\n\n---\nb: 2\nz: 1\n", "set .z=1");
	(void)state;
	EXPECT_EDIT("# head\n--- # c\na: 1\n...\n---\nb: 2\n",
		    "# head\n--- # c\na: 1\nz: 0\n...\n---\nb: 2\nz: 0\n", "set .z=0");
	EXPECT_EDIT("--- {a: 1}\n--- {c: 3}\n", "--- {a: 1, b: 2}\n--- {c: 3, b: 2}\n", "set .b=2");
	EXPECT_EDIT("%YAML 1.1\n---\na: 1\n", "%YAML 1.1\n---\na: 1\nb: 2\n", "set .b=2");
	/* an empty block scalar with a header comment, just before "---":
	 * the line break that separates the documents survives (fuzz find) */
	EXPECT_EDIT("a: |+ # c\n---\nb: 1\n", "a: x # c\n---\nb: 1\na: x\n", "set .a=x");
	EXPECT_EDIT("a: |\n  text\n---\nb: 1\n", "a: x\n---\nb: 1\na: x\n", "set .a=x");
}

/* the verifier refuses a document slice that lost its final line break
 * (it would glue the next document onto it), whatever the renderer did */
static void test_verify_doc_boundary(void **state)
{
	struct hd_err err;

	(void)state;
	assert_int_equal(hd_verify_doc("t", NULL, "a: x", 4, 0, "a: |\n", 5, 0, &err), -1);
	assert_non_null(strstr(err.msg, "lost its final line break"));
}

/* i22-10: libyaml reads the output differently because it cannot read the
 * input: the error says so, where libyaml stops in the input, its marks
 * (characters from past the BOM) turned into harden's line and column */
static void test_verify_input_unreadable_i22_10(void **state)
{
	static const char in[] = "\xef\xbb\xbftop1: &no::::de0\n"
				 "  &k1 k\xc3\xa9y1: o2tonep\n: &node2  #comment\n  key2: two\n";
	struct hd_arena a;
	struct ystream ys;
	struct hd_err err;

	(void)state;
	hd_arena_init(&a);
	assert_int_equal(ys_parse(&ys, "t", in, sizeof(in) - 1, &a, &err), 0);
	memset(&err, 0, sizeof(err));
	assert_int_equal(hd_verify_doc_split("t", ys.docs[0].root, in, sizeof(in) - 1, 0, in,
					     sizeof(in) - 1, 0, false, 10, &err), -1);
	assert_non_null(strstr(err.msg, "not readable by YAML 1.1 parsers"));
	assert_non_null(strstr(err.msg, "mapping values are not allowed"));
	assert_int_equal(err.line, 12); /* its line 2, after 10 lines of the file */
	assert_int_equal(err.col, 11);  /* "  &k1 k\xc3\xa9y1" is 10 characters */
	ys_close(&ys);
	hd_arena_free(&a);
}

/* a big document is read by libyaml in a thread of its own (split): the
 * same verdicts as one after the other, libyaml's objections included */
static void test_verify_doc_split(void **state)
{
	struct hd_buf big = HD_BUF_INIT, bad = HD_BUF_INIT;
	struct hd_arena a;
	struct ystream ys;
	struct hd_err err;
	int i;

	(void)state;
	for (i = 0; i < 4000; i++)
		hd_buf_printf(&big, "key%d: value number %d\n", i, i);
	hd_buf_add(&big, "last: word\n", 11);
	hd_arena_init(&a);
	assert_int_equal(ys_parse(&ys, "t", big.data, big.len, &a, &err), 0);
	assert_true(big.len >= 64 * 1024);
	assert_int_equal(hd_verify_doc_split("t", ys.docs[0].root, big.data, big.len, 0,
					     big.data, big.len, 0, true, 0, &err), 0);
	/* libfyaml sees a different value */
	hd_buf_add(&bad, big.data, big.len - 5);
	hd_buf_add(&bad, "verb\n", 5);
	assert_int_equal(hd_verify_doc_split("t", ys.docs[0].root, bad.data, bad.len, 0,
					     big.data, big.len, 0, true, 0, &err), -1);
	assert_non_null(strstr(err.msg, "verification failed"));
	/* only libyaml objects: it refuses implicit keys over 1024 characters */
	bad.len = 0;
	hd_buf_add(&bad, big.data, big.len);
	for (i = 0; i < 1100; i++)
		hd_buf_addc(&bad, 'k');
	hd_buf_add(&bad, ": v\n", 4);
	ys_close(&ys);
	assert_int_equal(ys_parse(&ys, "t", bad.data, bad.len, &a, &err), 0);
	for (i = 0; i < 2; i++) {
		memset(&err, 0, sizeof(err));
		assert_int_equal(hd_verify_doc_split("t", ys.docs[0].root, bad.data, bad.len, 0,
						     big.data, big.len, 0, i == 0, 0,
						     &err), -1);
		assert_non_null(strstr(err.msg, "libyaml accepts the input but not the output"));
	}
	ys_close(&ys);
	hd_arena_free(&a);
	hd_buf_release(&big);
	hd_buf_release(&bad);
}

/* 15. empty, comment-only, whitespace-only */
static void test_empty_inputs(void **state)
{
	(void)state;
	EXPECT_EDIT("", "", "set .a=1");
	EXPECT_EDIT("# only\n# comments\n", "# only\n# comments\n", "set .a=1");
	EXPECT_EDIT("  \n\n", "  \n\n", "set .a=1");
}

/* 16. keys and values that need quotes */
static void test_quoting(void **state)
{
	(void)state;
	EXPECT_EDIT("a: 1\n", "a: 1\n\"on\": \"yes\"\n", "set .\"on\"=\"yes\"");
	EXPECT_EDIT("a: 1\n", "a: 1\n\"a: b\": x\n", "set .\"a: b\"=x");
	EXPECT_EDIT("a: 'q'\nb: 'r'\n", "a: 'q'\nb: 'r'\nc: '1000:1000'\n",
		    "set .c=\"1000:1000\"");
	/* existing quotes are kept on a changed value */
	EXPECT_EDIT("a: \"x\"\n", "a: \"y\"\n", "set .a=y");
	EXPECT_EDIT("a: 'x'\n", "a: 'it''s'\n", "set .a=\"it's\"");
}

/* 17. values mean the same under YAML 1.1 and 1.2 */
static void test_scalar_emission(void **state)
{
	static const char *const strs[] = { "1000:1000", "no-new-privileges:true",
		"0.5", "yes", "no", "on", "y", "N", "~", "null", "0755", "0o17",
		"1e3", "22:22", "2001-12-14", "<<", "=", "true", "10001", "", " x",
		"a#b", "-x", "x: y", ".inf", "0x1F", "1_000", NULL };
	size_t i;

	(void)state;
	for (i = 0; strs[i]; i++) {
		struct hd_buf b = HD_BUF_INIT;

		hd_scalar_write(&b, strs[i], strlen(strs[i]), YT_STR, '"');
		assert_true(b.len > 0 && (b.data[0] == '"'));
		hd_buf_release(&b);
	}
	assert_true(hd_plain_safe("RuntimeDefault", 14));
	assert_true(hd_plain_safe("512Mi", 5));
	assert_true(hd_plain_safe("500m", 4));
	assert_true(hd_plain_safe("NET_BIND_SERVICE", 16));
	assert_int_equal(hd_resolve11("22:22", 5), YT_INT);
	assert_int_equal(hd_resolve11("1000:1000", 9), YT_STR);
	assert_int_equal(hd_resolve11("y", 1), YT_BOOL);
	assert_int_equal(hd_resolve12("y", 1), YT_STR);
	assert_int_equal(hd_resolve12("1e3", 3), YT_FLOAT);
	assert_int_equal(hd_resolve11("1e3", 3), YT_STR);
	assert_int_equal(hd_resolve11("0755", 4), YT_INT);
	/* exponents: YAML 1.1 (PyYAML) wants a '.' and a signed exponent */
	assert_int_equal(hd_resolve11("1.0e+3", 6), YT_FLOAT);
	assert_int_equal(hd_resolve11("1.0E+12", 7), YT_FLOAT);
	assert_int_equal(hd_resolve11("1.e-2", 5), YT_FLOAT);
	assert_int_equal(hd_resolve11("1.0e3", 5), YT_STR);
	assert_int_equal(hd_resolve11("1e+3", 4), YT_STR);
	assert_int_equal(hd_resolve11("1.0e+", 5), YT_STR);
	assert_int_equal(hd_resolve11(".5", 2), YT_FLOAT);
	assert_int_equal(hd_resolve12("1.0e3", 5), YT_FLOAT);
	assert_int_equal(hd_resolve12("1e-3", 4), YT_FLOAT);
	assert_int_equal(hd_resolve12("1e", 2), YT_STR);
	assert_int_equal(hd_resolve12("1e+", 3), YT_STR);
	assert_int_equal(hd_resolve12(".5", 2), YT_FLOAT);
	EXPECT_EDIT("a: 1\n", "a: 1\nu: \"1000:1000\"\nb: true\nm: 10001\n",
		    "set .u=\"1000:1000\"", "set .b=true", "set .m=10001");
}

/* 18. duplicate keys refused; tab after a value separator is fine */
static void test_duplicates_and_tabs(void **state)
{
	(void)state;
	EXPECT_EDIT_FAILS("a: 1\na: 2\n", "duplicate key 'a'", "set .b=1");
	EXPECT_EDIT("a:\tb\nc: 1\n", "a:\tb\nc: 2\n", "set .c=2");
}

/* 19. multi-byte UTF-8 before the edit point */
static void test_utf8_offsets(void **state)
{
	(void)state;
	EXPECT_EDIT("a: \"h\xC3\xA9llo \xE2\x9C\x93\" # \xF0\x9F\x98\x80\nb:\n  c: 1\n",
		    "a: \"h\xC3\xA9llo \xE2\x9C\x93\" # \xF0\x9F\x98\x80\nb:\n  c: 1\n  d: 2\n",
		    "set .b.d=2");
}

/* 20. long lines and trailing whitespace untouched */
static void test_long_lines(void **state)
{
	(void)state;
	EXPECT_EDIT("a: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa   \nb: 1\n",
		    "a: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa   \nb: 2\n",
		    "set .b=2");
}

/* 21. invalid input */
static void test_invalid_input(void **state)
{
	(void)state;
	EXPECT_EDIT_FAILS("a: {{ .Values.x }}\n", "template", "set .b=1");
	EXPECT_EDIT_FAILS("a:\n\t- x\n", "tab", "set .b=1");
	EXPECT_EDIT_FAILS("a: \"x\n", "", "set .b=1");
	EXPECT_EDIT_FAILS("a: \xff\n", "invalid UTF-8", "set .b=1");
}

/*
 * The encoding check reads eight bytes at a time: every refused byte is
 * found at every offset, right after a line feed too (a carry between the
 * bytes of a word must not hide it), and what is allowed stays allowed.
 */
static void test_encoding_scan_offsets(void **state)
{
	static const char *const bad[] = { "\x01", "\x0b", "\x1f", "\x7f", "\r",
					   "\xc2\x80", "\xc3", "\xef\xbf\xbe", "\xff" };
	static const char *const good[] = { "\t", "\xc3\xa9", "\xe2\x82\xac", "~",
					    "\r\n  ", "\xf0\x9f\x99\x82", " " };
	const size_t nbad = sizeof(bad) / sizeof(bad[0]);
	size_t k, pad, at_line_start;

	(void)state;
	for (k = 0; k < nbad + sizeof(good) / sizeof(good[0]); k++) {
		const char *ins = k < nbad ? bad[k] : good[k - nbad];

		for (pad = 0; pad < 17; pad++) {
			for (at_line_start = 0; at_line_start < (k < nbad ? 2u : 1u); at_line_start++) {
				char in[128];
				struct hd_arena a;
				struct ystream ys;
				struct hd_err err;
				int rc;

				/* line 3 holds the byte(s): at its start or after "  x" */
				snprintf(in, sizeof(in), "a: |\n  %.*s\n%s%sy\n  zz\nb: 1\n", (int)pad,
					 "pppppppppppppppppppp", at_line_start ? "" : "  x", ins);
				hd_arena_init(&a);
				rc = ys_parse(&ys, "t", in, strlen(in), &a, &err);
				if (k >= nbad && rc < 0)
					fail_msg("allowed byte(s) %zu, pad %zu refused: %s", k, pad, err.msg);
				/* refused by the encoding check itself, not later by libfyaml */
				if (k < nbad && (rc == 0 || err.line != 3 ||
						 err.col != (at_line_start ? 1 : 4) ||
						 !(strstr(err.msg, "control character") ||
						   strstr(err.msg, "carriage return") ||
						   strstr(err.msg, "invalid UTF-8") ||
						   strstr(err.msg, "noncharacter"))))
					fail_msg("bad byte(s) %zu, pad %zu%s: %s at %d:%d", k, pad,
						 at_line_start ? " at line start" : "",
						 rc < 0 ? err.msg : "accepted", err.line, err.col);
				hd_arena_free(&a);
			}
		}
	}
}

/* 22. several edits on one map share one insertion */
static void test_shared_insertion(void **state)
{
	(void)state;
	EXPECT_EDIT("spec:\n  c: 1\n", "spec:\n  c: 1\n  sc:\n    a: true\n    b: 1\n",
		    "set .spec.sc.a=true", "set .spec.sc.b=1");
}

/* 23. removals */
static void test_removals(void **state)
{
	(void)state;
	EXPECT_EDIT("l:\n- a: 1\n  b: 2\n", "l:\n- b: 2\n", "del .l[0].a");
	EXPECT_EDIT("m:\n  a: 1\nz: 1\n", "m: {}\nz: 1\n", "del .m.a");
	EXPECT_EDIT_ONCE("l:\n- x\n- y\n- z\n", "l:\n- x\n- z\n", "del .l[1]");
	EXPECT_EDIT("a: 1\nb:\n  c: 1\n  d: [1,\n    2]\ne: 1\n", "a: 1\ne: 1\n", "del .b");
	EXPECT_EDIT("a: 1\n", "a: 1\n", "del .nope.deeper");
	/* [*] removes every member, those added earlier in the same run too */
	EXPECT_EDIT_ONCE("a:\n- 1\n", "a: []\n", "set .a[1]=2", "set .a[2]=3", "del .a[*]");
	EXPECT_EDIT("a:\n  x: 1\n", "a: {}\n", "set .a.y=2", "set .a.z=3", "del .a[*]");
	EXPECT_EDIT("l:\n- a: 1\n- a: 2\n", "l:\n- a: 1\n  b: true\n- a: 2\n  b: true\n",
		    "set .l[*].b=true");
	EXPECT_EDIT("l:\n- a: 1\n- a: 2\n", "l:\n- {}\n- {}\n", "del .l[*].a");
	EXPECT_EDIT("l:\n-\n  a: 1\n# end\n", "l:\n- {}\n# end\n", "del .l[0].a");
}

/* collections already present: only what differs changes */
static void test_set_collection_minimal(void **state)
{
	(void)state;
	EXPECT_EDIT("c:\n  drop:\n  - NET_RAW\n  add: [X] # keep\n",
		    "c:\n  drop:\n  - NET_RAW\n  - ALL\n  add: [X] # keep\n",
		    "set .c={drop: [NET_RAW, ALL], add: [X]}");
	EXPECT_EDIT("a: [x, y, z]\n", "a: [x, z]\n", "set .a=[x, z]");
}

static void test_path_parse(void **state)
{
	struct hd_arena a;
	struct hd_path p;
	struct hd_err err;

	(void)state;
	hd_arena_init(&a);
	assert_int_equal(hd_path_parse(&a, ".a.\"b.c\"[2][*].d", &p, &err), 0);
	assert_int_equal(p.n, 5);
	assert_string_equal(p.segs[1].key, "b.c");
	assert_int_equal(p.segs[2].kind, SEG_INDEX);
	assert_int_equal(p.segs[2].index, 2);
	assert_int_equal(p.segs[3].kind, SEG_ALL);
	assert_int_equal(hd_path_parse(&a, "a.b", &p, &err), -1);
	assert_int_equal(hd_path_parse(&a, ".a[x]", &p, &err), -1);
	hd_arena_free(&a);
}

static void test_spans(void **state)
{
	struct hd_arena a;
	struct ystream ys;
	struct hd_err err;
	const char *in = "a: 'q'\nb: &x \"d\"\nc: |-\n  t\nd:\ne: [1, *x]\n";
	const struct yn *r;

	(void)state;
	hd_arena_init(&a);
	assert_int_equal(ys_parse(&ys, "t", in, strlen(in), &a, &err), 0);
	r = ys.docs[0].root;
	assert_int_equal(r->kind, YN_MAP);
	assert_int_equal(r->kids[1]->style, YS_SQ);
	assert_int_equal(r->kids[1]->start, 3);
	assert_int_equal(r->kids[1]->end, 6);
	assert_int_equal(r->kids[3]->start, 10); /* &x */
	assert_int_equal(r->kids[3]->vstart, 13);
	assert_int_equal(r->kids[3]->nrefs, 1);
	assert_int_equal(r->kids[5]->style, YS_LIT);
	assert_int_equal(r->kids[5]->vstart, 20);
	assert_int_equal(r->kids[5]->chomp, '-');
	assert_true(r->kids[7]->null_empty);
	assert_int_equal(r->kids[9]->kids[1]->kind, YN_ALIAS);
	assert_ptr_equal(r->kids[9]->kids[1]->target, r->kids[3]);
	hd_arena_free(&a);
}

static void test_diff_output(void **state)
{
	const char *old = "a: 1\nb: 2\nc: 3\nd: 4\ne: 5\nf: 6\ng: 7\nh: 8";
	const char *new = "a: 1\nb: 2\nc: 3\nd: 4\ne: 5\nf: 6\ng: 7\nh: 8\ni: 9";
	struct splice s = { 37, 0, "\ni: 9", 5, 0, 0 };
	struct splices sp = { &s, 1, 1 };
	struct hd_buf b = HD_BUF_INIT;

	(void)state;
	hd_diff(&b, "./x.yaml", old, strlen(old), new, strlen(new), &sp, NULL);
	assert_string_equal(b.data,
			    "--- a/x.yaml\n+++ b/x.yaml\n@@ -5,4 +5,5 @@\n e: 5\n f: 6\n g: 7\n"
			    "-h: 8\n\\ No newline at end of file\n+h: 8\n+i: 9\n"
			    "\\ No newline at end of file\n");
	hd_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_ops_identity),
		cmocka_unit_test(test_crlf_insert),
		cmocka_unit_test(test_mixed_eol_follows_local_line),
		cmocka_unit_test(test_bom),
		cmocka_unit_test(test_no_final_newline),
		cmocka_unit_test(test_item_shapes),
		cmocka_unit_test(test_seq_append_styles),
		cmocka_unit_test(test_indent_units),
		cmocka_unit_test(test_last_value_shapes),
		cmocka_unit_test(test_trailing_comments),
		cmocka_unit_test(test_comment_after_key),
		cmocka_unit_test(test_flow_maps),
		cmocka_unit_test(test_flow_multiline_removals),
		cmocka_unit_test(test_json_style),
		cmocka_unit_test(test_empty_key_and_empty_keep_scalar),
		cmocka_unit_test(test_null_targets),
		cmocka_unit_test(test_explicit_keys),
		cmocka_unit_test(test_anchors),
		cmocka_unit_test(test_tags),
		cmocka_unit_test(test_multidoc),
		cmocka_unit_test(test_verify_doc_boundary),
		cmocka_unit_test(test_verify_doc_split),
		cmocka_unit_test(test_empty_inputs),
		cmocka_unit_test(test_quoting),
		cmocka_unit_test(test_scalar_emission),
		cmocka_unit_test(test_duplicates_and_tabs),
		cmocka_unit_test(test_utf8_offsets),
		cmocka_unit_test(test_long_lines),
		cmocka_unit_test(test_invalid_input),
		cmocka_unit_test(test_encoding_scan_offsets),
		cmocka_unit_test(test_shared_insertion),
		cmocka_unit_test(test_removals),
		cmocka_unit_test(test_verify_input_unreadable_i22_10),
		cmocka_unit_test(test_set_collection_minimal),
		cmocka_unit_test(test_path_parse),
		cmocka_unit_test(test_spans),
		cmocka_unit_test(test_diff_output),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
