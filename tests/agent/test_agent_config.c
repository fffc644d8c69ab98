/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the agent's configuration: a good file read in full, each kind of error named
 * with file:line, profile selection by identity, the reload diff. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "testutil.h"

#define GLOBAL                                                                                     \
	"global = {\n"                                                                             \
	"  card = \"sim:test\";\n"                                                                 \
	"  public = { address = [ \"203.0.113.1\", \"2001:db8::1\" ]; mac = \"02:00:00:00:00:01\";\n" \
	"             gateway4 = \"203.0.113.254\"; };\n"                                           \
	"  core = { mac = \"02:00:00:00:00:02\"; };\n"                                              \
	"  control = \"/tmp/x.sock\";\n"                                                            \
	"};\n"

static const char good[] = GLOBAL
	"vrfs = (\n"
	"  { name = \"red\"; id = 1; vpn_label = 1001;\n"
	"    routes = ( { prefix = \"10.100.0.0/16\"; mac = \"02:50:00:00:00:01\"; labels = [ 16, 2001 ]; } ); },\n"
	"  { name = \"green\"; id = 2; vpn_label = 1002; ttl_mode = \"pipe\"; }\n"
	");\n"
	"profiles = (\n"
	"  { name = \"red-users\"; vrf = \"red\"; match = [ \"email:*@red.example\" ];\n"
	"    auth = { psk = ( { id = \"email:*@red.example\"; secret = \"0x00112233445566778899aabbccddeeff\"; },\n"
	"                     { id = \"email:boss@red.example\"; secret = \"the-boss-has-his-own-key\"; } ); };\n"
	"    pools = [ \"10.1.0.0/24\", \"fd00::/112\" ]; dns = \"10.100.0.53\"; split = [ \"10.100.0.0/16\" ];\n"
	"    esp_proposals = [ \"aes128gcm16-noesn\" ];\n"
	"    lifetime = { soft = { time = 100; packets = 1000L; }; hard = { time = 200; packets = 2000L; }; }; },\n"
	"  { name = \"red-boss\"; vrf = \"red\"; match = [ \"email:boss@red.example\" ];\n"
	"    auth = { psk = ( { id = \"%any\"; secret = \"0123456789abcdef0123\"; } ); };\n"
	"    pools = \"10.1.0.0/24\"; },\n"
	"  { name = \"green-users\"; vrf = \"green\"; match = [ \"fqdn:*.green.example\", \"dn:C=DE, O=Green, CN=*\" ];\n"
	"    auth = { psk = ( { id = \"%any\"; secret = \"0123456789abcdef0123\"; } ); };\n"
	"    pools = \"10.1.0.0/24\"; },\n"
	"  { name = \"green-site\"; vrf = \"green\"; match = [ \"ip:198.51.100.0/24\", \"fqdn:gw.green.example\" ];\n"
	"    auth = { psk = ( { id = \"%any\"; secret = \"0123456789abcdef0123\"; } ); };\n"
	"    local_ts = \"10.100.0.0/16\"; remote_ts = [ \"10.50.0.0/24\", \"10.51.0.0/24\" ]; }\n"
	");\n";

static void good_file(void **state)
{
	struct config *c = NULL;
	char path[64], err[CFG_ERR];
	const struct cfg_profile *p;
	const struct cfg_vrf *v;

	(void)state;
	assert_int_equal(conf_load_text(good, &c, path, sizeof(path), err, sizeof(err)), 0);
	assert_string_equal(c->g.card, "sim:test");
	assert_int_equal(c->g.pub4.af, 4);
	assert_int_equal(c->g.pub6.af, 6);
	assert_int_equal(c->g.gw4.a[3], 254);
	assert_int_equal(c->g.ike_port, 500);
	assert_int_equal(c->g.natt_port, 4500);
	assert_int_equal(c->n_vrfs, 2);
	v = config_vrf_by_name(c, "red");
	assert_non_null(v);
	assert_int_equal(v->id, 1);
	assert_int_equal(v->vpn_label, 1001);
	assert_int_equal(v->n_routes, 1);
	assert_int_equal(v->routes[0].n_labels, 2);
	assert_int_equal(v->routes[0].label[1], 2001);
	assert_int_equal(config_vrf_by_id(c, 2)->ttl_mode, CFG_TTL_PIPE);
	assert_int_equal(c->n_profiles, 4);
	p = config_profile_by_name(c, "red-users");
	assert_non_null(p);
	assert_int_equal(p->auth, CFG_AUTH_PSK);
	assert_int_equal(p->n_psk, 2);
	assert_int_equal(p->psk[0].len, 16);
	assert_int_equal(p->psk[0].secret[15], 0xff);
	assert_int_equal(p->n_pools, 2);
	assert_int_equal(p->pools[1].addr.af, 6);
	assert_int_equal(p->n_dns, 1);
	assert_int_equal(p->n_split, 1);
	assert_false(p->full_tunnel);
	assert_int_equal(p->n_esp, 1);
	assert_int_equal(p->esp[0].enc_bits, 128);
	assert_false(p->esp[0].esn);
	assert_int_equal(p->n_ike, 2); /* defaults */
	assert_int_equal(p->ike[0].dh, 20);
	assert_int_equal(p->soft.packets, 1000);
	assert_int_equal(p->hard.time, 200);
	assert_int_equal(p->dpd_interval, 30);
	p = config_profile_by_name(c, "red-boss");
	assert_true(p->full_tunnel); /* no split: full tunnel */
	p = config_profile_by_name(c, "green-site");
	assert_int_equal(p->n_remote_ts, 2);
	assert_int_equal(p->n_pools, 0);
	config_unref(c);
}

/* Most specific wins: exact over wildcard, longer prefix, more fixed characters; PSK too. */
static void profile_selection(void **state)
{
	struct config *c = NULL;
	char path[64], err[CFG_ERR];
	struct ident id;
	int score;

	(void)state;
	assert_int_equal(conf_load_text(good, &c, path, sizeof(path), err, sizeof(err)), 0);
	assert_int_equal(ident_parse("alice@red.example", &id), 0);
	assert_string_equal(config_match_profile(c, &id, &score)->name, "red-users");
	assert_int_equal(ident_parse("email:Boss@Red.Example", &id), 0);
	assert_string_equal(config_match_profile(c, &id, NULL)->name, "red-boss");
	assert_int_equal(config_psk_for(config_profile_by_name(c, "red-users"), &id)->len, 24);
	assert_int_equal(ident_parse("gw.green.example", &id), 0);
	assert_string_equal(config_match_profile(c, &id, NULL)->name, "green-site");
	assert_int_equal(ident_parse("laptop.green.example", &id), 0);
	assert_string_equal(config_match_profile(c, &id, NULL)->name, "green-users");
	assert_int_equal(ident_parse("198.51.100.77", &id), 0);
	assert_string_equal(config_match_profile(c, &id, NULL)->name, "green-site");
	assert_int_equal(ident_parse("dn:c=de,o=green,cn=Alice Example", &id), 0);
	assert_string_equal(config_match_profile(c, &id, NULL)->name, "green-users");
	assert_int_equal(ident_parse("mallory@blue.example", &id), 0);
	assert_null(config_match_profile(c, &id, NULL));
	config_unref(c);
}

/* Each case: a file with one mistake on the line marked "#!" (or in profile p as a whole) and
 * what the message must say. */
struct bad_case {
	const char *text;
	const char *says;
};

#define VRF_RED "vrfs = ( { name = \"red\"; id = 1; vpn_label = 1001; } );\n"
#define PROF(body)                                                                                 \
	"profiles = ( { name = \"p\"; vrf = \"red\"; match = \"email:*@x.example\";\n"              \
	"  auth = { psk = ( { id = \"%any\"; secret = \"0123456789abcdef0123\"; } ); };\n" body " } );\n"

static const struct bad_case bad[] = {
	{ GLOBAL "vrfs = ( { name = \"red\"; id = = 1; } ); #!\n", "syntax error" },
	{ GLOBAL "vrfs = ( { name = \"red\"; id = 1;\n vpn_lable = 1001; #!\n } );\n",
	  "unknown setting 'vpn_lable'" },
	{ GLOBAL "vrfs = ( { name = \"red\"; id = 1; vpn_label = 1001; },\n"
		 "  { name = \"blue\"; id = 1; #!\n vpn_label = 1002; } );\n",
	  "id 1 is already used by vrf 'red'" },
	{ GLOBAL "vrfs = ( { name = \"red\"; id = 1; vpn_label = 1001;\n routes = ( { prefix = \"10.100.0.1/16\"; #!\n"
		 " mac = \"02:50:00:00:00:01\"; labels = [ 2001 ]; } ); } );\n",
	  "prefix '10.100.0.1/16' is not ADDRESS/LENGTH" },
	{ GLOBAL "vrfs = ( { name = \"red\"; id = 1; vpn_label = 1001;\n routes = ( { prefix = \"10.100.0.0/16\";\n"
		 " mac = \"02:50:00:00:00:01\"; labels = [ 16, 1048576 ]; #!\n } ); } );\n",
	  "label 1 must be an integer 16..1048575" },
	{ GLOBAL "vrfs = ( { name = \"red\"; id = 1; vpn_label = 1001;\n routes = ( { prefix = \"10.100.0.0/16\";\n"
		 " mac = \"01:50:00:00:00:01\"; #!\n labels = [ 16 ]; } ); } );\n",
	  "is not a unicast MAC address" },
	{ GLOBAL VRF_RED "profiles = ( { name = \"p\";\n vrf = \"blue\"; #!\n } );\n",
	  "vrf 'blue' is not defined in vrfs" },
	{ GLOBAL VRF_RED "profiles = ( { name = \"p\"; vrf = \"red\";\n match = [ \"dn:no-equals-sign\" ]; #!\n } );\n",
	  "is not a valid dn identity" },
	{ GLOBAL VRF_RED "profiles = ( { name = \"p\"; vrf = \"red\"; match = \"email:*@x.example\";\n"
			 "  auth = { psk = ( { id = \"%any\";\n secret = \"short-secret\"; #!\n } ); }; pools = \"10.1.0.0/24\"; } );\n",
	  "is 12 bytes; at least 16 are required" },
	{ GLOBAL VRF_RED PROF("  pools = [ \"10.1.0.0/24\" ]; }, { name = \"q\"; vrf = \"red\"; match = \"fqdn:q\";\n"
			      "  auth = { psk = ( { id = \"%any\"; secret = \"0123456789abcdef0123\"; } ); };\n"
			      "  pools = [ \"10.1.0.128/25\" ]; #!\n"),
	  "pool 10.1.0.128/25 overlaps pool 10.1.0.0/24 of profile 'p'" },
	{ GLOBAL VRF_RED PROF("  pools = \"10.1.0.0/24\";\n  ike_proposals = [ \"aes256cbc-prfsha1-modp2048\" ]; #!\n"),
	  "IKE proposal 'aes256cbc-prfsha1-modp2048': 'aes256cbc' is not supported" },
	{ GLOBAL VRF_RED PROF("  pools = \"10.1.0.0/24\"; remote_ts = \"10.9.0.0/16\";\n"),
	  "needs pools (remote access) or remote_ts (site-to-site), and not both" },
	{ "global = { #!\n  public = { address = \"203.0.113.1\"; mac = \"02:00:00:00:00:01\"; };\n"
	  "  core = { mac = \"02:00:00:00:00:02\"; }; };\n" VRF_RED,
	  "global.card is missing" },
	{ GLOBAL VRF_RED PROF("  pools = \"10.1.0.0/24\";\n  lifetime = { soft = { time = 3600; }; hard = { time = 3600; }; }; #!\n"),
	  "a soft lifetime must be below the hard one" },
	{ GLOBAL VRF_RED PROF("  pools = \"10.1.0.0/24\"; }, { name = \"q\"; vrf = \"red\";\n match = \"email:*@X.example\"; #!\n"
			      "  auth = { psk = ( { id = \"%any\"; secret = \"0123456789abcdef0123\"; } ); }; pools = \"10.1.0.0/24\";\n"),
	  "match 'email:*@x.example' is also in profile 'p'" },
	{ GLOBAL "vrfs = ( { name = \"red\"; id = 1; vpn_label = 1001;\n ttl_mode = \"short\"; #!\n } );\n",
	  "ttl_mode 'short' is not uniform or pipe" },
};

static void each_error_names_file_and_line(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct config *c = NULL;
		char path[64], err[CFG_ERR], want[160];
		/* no marker: the error belongs to the profile as a whole, named on its first line */
		unsigned line = line_of(bad[i].text, "#!") ? line_of(bad[i].text, "#!")
							    : line_of(bad[i].text, "name = \"p\"");
		int rc = conf_load_text(bad[i].text, &c, path, sizeof(path), err, sizeof(err));

		print_message("case %zu: %s\n", i, err);
		assert_int_not_equal(rc, 0);
		assert_null(c);
		snprintf(want, sizeof(want), "%s:%u: ", path, line);
		assert_non_null(strstr(err, want));
		assert_non_null(strstr(err, bad[i].says));
		assert_null(strstr(err, "short-secret")); /* a secret never appears in a message */
	}
}

static void missing_file(void **state)
{
	struct config *c = NULL;
	char err[CFG_ERR];

	(void)state;
	assert_int_not_equal(config_load("/nonexistent/vrfsecd.conf", &c, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "/nonexistent/vrfsecd.conf: cannot read the file"));
}

/* text with the first from replaced by to, into out */
static void replace(char *out, size_t n, const char *text, const char *from, const char *to)
{
	const char *at = strstr(text, from);

	assert_non_null(at);
	snprintf(out, n, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
}

static void reload_diff(void **state)
{
	struct config *a = NULL, *b = NULL;
	char path[64], err[CFG_ERR], d[1024], t1[sizeof(good) + 256], t2[sizeof(t1)], t3[sizeof(t1)];

	(void)state;
	assert_int_equal(conf_load_text(good, &a, path, sizeof(path), err, sizeof(err)), 0);
	/* a second static route in red, another VPN label for green, green-site gone */
	replace(t1, sizeof(t1), good, "labels = [ 16, 2001 ]; }",
		"labels = [ 16, 2001 ]; }, { prefix = \"10.101.0.0/16\"; mac = \"02:50:00:00:00:01\"; labels = [ 3001 ]; }");
	replace(t2, sizeof(t2), t1, "vpn_label = 1002", "vpn_label = 1003");
	replace(t3, sizeof(t3), t2, ",\n  { name = \"green-site\"", "\n);\n#");
	*strstr(t3, "#") = '\0';
	assert_int_equal(conf_load_text(t3, &b, path, sizeof(path), err, sizeof(err)), 0);
	assert_int_equal(config_diff(a, b, d, sizeof(d)), 3);
	print_message("diff: %s\n", d);
	assert_non_null(strstr(d, "vrf red: routes +1 -0 ~0"));
	assert_non_null(strstr(d, "vrf green: vpn_label 1002 -> 1003"));
	assert_non_null(strstr(d, "profile green-site: removed"));
	assert_int_equal(config_diff(a, a, d, sizeof(d)), 0);
	config_unref(a);
	config_unref(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good_file),
		cmocka_unit_test(profile_selection),
		cmocka_unit_test(each_error_names_file_and_line),
		cmocka_unit_test(missing_file),
		cmocka_unit_test(reload_diff),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
