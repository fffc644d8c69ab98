/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests of the agent's configuration: a good file read in full, each kind of error named
 * with file:line, profile selection by identity, the reload diff. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

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
	{ GLOBAL VRF_RED PROF("  pools = \"10.0.0.0/14\"; #!\n"),
	  "pool 10.0.0.0/14: IPv4 pools are /15../30, IPv6 pools /111../126" },
	{ GLOBAL VRF_RED PROF("  pools = \"10.1.0.0/24\";\n  lifetime = { soft = { time = 3600; }; hard = { time = 3600; }; }; #!\n"),
	  "a soft lifetime must be below the hard one" },
	{ GLOBAL VRF_RED PROF("  pools = \"10.1.0.0/24\"; }, { name = \"q\"; vrf = \"red\";\n match = \"email:*@X.example\"; #!\n"
			      "  auth = { psk = ( { id = \"%any\"; secret = \"0123456789abcdef0123\"; } ); }; pools = \"10.1.0.0/24\";\n"),
	  "match 'email:*@x.example' is also in profile 'p'" },
	{ GLOBAL "vrfs = ( { name = \"red\"; id = 1; vpn_label = 1001;\n ttl_mode = \"short\"; #!\n } );\n",
	  "ttl_mode 'short' is not uniform or pipe" },
	/* initiator profiles */
	{ GLOBAL VRF_RED PROF("  local_ts = \"10.100.0.0/16\"; remote_ts = \"192.168.1.0/24\";\n initiate = true; #!\n"),
	  "initiate needs the peer's address (remote = \"ADDR\")" },
	{ GLOBAL VRF_RED PROF("  pools = \"10.1.0.0/24\"; remote = \"198.51.100.1\";\n initiate = true; #!\n"),
	  "only site-to-site profiles (remote_ts) initiate" },
	{ GLOBAL VRF_RED PROF("  local_ts = \"10.100.0.0/16\"; remote_ts = \"192.168.1.0/24\";\n remote = \"198.51.100.1\"; #!\n"),
	  "remote and retry go with initiate = true" },
	/* certificates: unreadable files by name and line, never their contents */
	{ GLOBAL VRF_RED "profiles = ( { name = \"p\"; vrf = \"red\"; match = \"fqdn:*.x.example\";\n"
			 "  auth = { cert = \"/nonexistent/gw.pem\"; #!\n key = \"/nonexistent/gw.key\"; }; pools = \"10.1.0.0/24\"; } );\n",
	  "profile 'p': cert file '/nonexistent/gw.pem' cannot be read" },
	{ GLOBAL VRF_RED "profiles = ( { name = \"p\"; vrf = \"red\"; match = \"fqdn:*.x.example\";\n"
			 "  auth = \"pubkey\"; #!\n pools = \"10.1.0.0/24\"; } );\n",
	  "auth pubkey needs cert and key (here or in global.credentials)" },
	{ GLOBAL VRF_RED "profiles = ( { name = \"p\"; vrf = \"red\"; match = \"fqdn:*.x.example\";\n"
			 "  auth = { psk = ( { id = \"%any\"; secret = \"0123456789abcdef0123\"; } );\n send_cert = \"always\"; #!\n };"
			 " pools = \"10.1.0.0/24\"; } );\n",
	  "auth with psk takes no send_cert" },
	{ GLOBAL VRF_RED "profiles = ( { name = \"p\"; vrf = \"red\"; match = \"fqdn:*.x.example\";\n"
			 "  auth = { #!\n cert = \"/etc/hostname\"; key = \"/etc/hostname\"; ca = \"/etc/hostname\"; }; pools = \"10.1.0.0/24\"; } );\n",
	  "is not a PEM or DER certificate" },
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

/* A pool as large as the card's tunnel capacity (2^17 addresses) is accepted; /14 is not (above). */
static void large_pool(void **state)
{
	struct config *c = NULL;
	char path[64], err[CFG_ERR], t[sizeof(good) + 64];
	const struct cfg_profile *p;

	(void)state;
	replace(t, sizeof(t), good, "\"fd00::/112\" ]", "\"fd00::/112\", \"10.64.0.0/15\", \"fd01::/111\" ]");
	assert_int_equal(conf_load_text(t, &c, path, sizeof(path), err, sizeof(err)), 0);
	p = config_profile_by_name(c, "red-users");
	assert_int_equal(p->n_pools, 4);
	assert_int_equal(p->pools[2].plen, 15);
	assert_int_equal(p->pools[3].plen, 111);
	config_unref(c);
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

/* A self-signed ECDSA certificate and its key as PEM files path.pem / path.key. */
static void make_cert(const char *path, const char *cn)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");
	X509 *x = X509_new();
	X509_NAME *nm;
	char f[128];
	FILE *o;

	assert_non_null(k);
	assert_non_null(x);
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), -60);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	X509_set_pubkey(x, k);
	nm = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(x, nm);
	assert_true(X509_sign(x, k, EVP_sha256()) > 0);
	snprintf(f, sizeof(f), "%s.pem", path);
	assert_non_null(o = fopen(f, "w"));
	PEM_write_X509(o, x);
	fclose(o);
	snprintf(f, sizeof(f), "%s.key", path);
	assert_non_null(o = fopen(f, "w"));
	PEM_write_PrivateKey(o, k, NULL, NULL, 0, NULL, NULL);
	fclose(o);
	X509_free(x);
	EVP_PKEY_free(k);
}

/* Certificate profiles: per-profile files, global.credentials for auth = "pubkey", the CERTREQ
 * anchors of all of them, a key that is not the certificate's refused, the reload diff. */
static void certificate_profiles(void **state)
{
	char dir[] = "/tmp/vrfsec-cfgcert.XXXXXX", a[80], b[80], text[3072], path[64], err[CFG_ERR], d[512];
	struct config *c = NULL, *c2 = NULL;
	const struct cfg_profile *p;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(a, sizeof(a), "%s/a", dir);
	snprintf(b, sizeof(b), "%s/b", dir);
	make_cert(a, "gw-a.example");
	make_cert(b, "gw-b.example");
#define CERT_CONF(KEY_A)                                                                           \
	"global = { card = \"sim:test\"; public = { address = \"203.0.113.1\"; mac = \"02:00:00:00:00:01\"; };\n" \
	"  core = { mac = \"02:00:00:00:00:02\"; };\n"                                                 \
	"  credentials = { cert = \"%s.pem\"; key = \"%s.key\"; ca = \"%s.pem\"; }; };\n" VRF_RED   \
	"profiles = (\n"                                                                            \
	"  { name = \"users\"; vrf = \"red\"; match = \"dn:CN=*, O=Red\";\n"                           \
	"    auth = { cert = \"%s.pem\"; key = \"%s." KEY_A "\"; ca = \"%s.pem\"; send_cert = \"always\"; rsa_pss = true; };\n" \
	"    pools = \"10.1.0.0/24\"; },\n"                                                          \
	"  { name = \"site\"; vrf = \"red\"; match = \"fqdn:site.example\"; auth = \"pubkey\";\n"     \
	"    local_ts = \"10.100.0.0/16\"; remote_ts = \"192.168.1.0/24\"; } );\n"
	snprintf(text, sizeof(text), CERT_CONF("key"), b, b, b, a, a, a);
	assert_int_equal(conf_load_text(text, &c, path, sizeof(path), err, sizeof(err)), 0);
	p = config_profile_by_name(c, "users");
	assert_int_equal(p->auth, CFG_AUTH_PUBKEY);
	assert_int_equal(p->send_cert, CFG_SEND_CERT_ALWAYS);
	assert_true(p->rsa_pss);
	assert_non_null(p->creds);
	p = config_profile_by_name(c, "site");
	assert_int_equal(p->auth, CFG_AUTH_PUBKEY);
	assert_int_equal(p->send_cert, CFG_SEND_CERT_IFASKED);
	assert_non_null(p->creds);
	assert_non_null(c->certreq);
	/* the same text with the other certificate's key for profile users */
	snprintf(text, sizeof(text), CERT_CONF("key"), b, b, b, a, b, a);
	assert_int_not_equal(conf_load_text(text, &c2, path, sizeof(path), err, sizeof(err)), 0);
	print_message("mismatch: %s\n", err);
	assert_non_null(strstr(err, "does not belong to the certificate"));
	assert_null(strstr(err, "PRIVATE KEY"));
	/* profile users falls back to the global credentials: its auth changed, site's did not */
	snprintf(text, sizeof(text), CERT_CONF("key"), b, b, b, b, b, b);
	assert_int_equal(conf_load_text(text, &c2, path, sizeof(path), err, sizeof(err)), 0);
	assert_int_equal(config_diff(c, c2, d, sizeof(d)), 1);
	assert_non_null(strstr(d, "profile users: auth changed"));
	config_unref(c);
	config_unref(c2);
#undef CERT_CONF
	for (const char *f = "a.pem\0a.key\0b.pem\0b.key\0"; *f; f += strlen(f) + 1) {
		snprintf(a, sizeof(a), "%s/%s", dir, f);
		unlink(a);
	}
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good_file),
		cmocka_unit_test(profile_selection),
		cmocka_unit_test(each_error_names_file_and_line),
		cmocka_unit_test(missing_file),
		cmocka_unit_test(large_pool),
		cmocka_unit_test(reload_diff),
		cmocka_unit_test(certificate_profiles),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
