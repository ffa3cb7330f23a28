/* SPDX-License-Identifier: Apache-2.0 */
/* The demo's customers and their history: about 500 relations (business
 * customers with their contacts, private customers, prospects, suppliers,
 * partners) and about 5,000 contact moments over the last twelve months,
 * each handled by an employee of the team that plays that role, plus open
 * and finished tasks. Generated from a fixed seed, so every demo is the
 * same, through the domain functions, so the search index and the audit
 * log are filled as real use fills them. */
#include "cli/demo_crm.h"

#include <stdio.h>
#include <string.h>

#include "domain/interaction.h"
#include "domain/relation.h"
#include "domain/task.h"
#include "util/clock.h"
#include "util/jx.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define DAY_MS (24 * 3600 * 1000LL)

/* xorshift64*: reproducible, and good enough to spread names around */
static uint64_t seed = 0x9e3779b97f4a7c15ULL;

uint32_t demo_rnd(uint32_t n)
{
	seed ^= seed >> 12;
	seed ^= seed << 25;
	seed ^= seed >> 27;
	return (uint32_t)((seed * 0x2545f4914f6cdd1dULL) >> 33) % (n ? n : 1);
}

#define rnd demo_rnd
#define PICK(a) (a[rnd(N(a))])

static const char *const given[] = {
	"Jan", "Anna", "Pieter", "Sophie", "Kees", "Fatima", "Mohamed", "Lisa", "Willem", "Emma",
	"Hendrik", "Noor", "Bart", "Eline", "Joost", "Mila", "Ahmed", "Sara", "Gert", "Femke",
	"Ricardo", "Yara", "Tom", "Lieke", "Marco", "Zoë", "Hans", "Inge", "Koen", "Marloes",
	"Stefan", "Nadia", "Erik", "Esmée", "Dirk", "Ilse", "Mehmet", "Roos", "Patrick", "Chantal"};
static const char *const family[] = {
	"de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen",
	"Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters",
	"Hendriks", "van Leeuwen", "Dekker", "Brouwer", "de Wit", "Dijkstra", "Smits", "de Graaf",
	"van der Meer", "van der Linden", "Kok", "Jacobs", "de Haan", "Vermeulen", "Yılmaz",
	"El Amrani", "Öztürk", "van Beek", "Schouten", "Hoekstra", "Koster", "Prins", "Huisman",
	"Postma"};
static const char *const cities[] = {
	"Amsterdam", "Rotterdam", "Utrecht", "Den Haag", "Eindhoven", "Groningen", "Tilburg",
	"Almere", "Breda", "Nijmegen", "Apeldoorn", "Haarlem", "Arnhem", "Zaandam", "Amersfoort",
	"'s-Hertogenbosch", "Zwolle", "Leiden", "Leeuwarden", "Alkmaar", "Delft", "Deventer"};
static const char *const streets[] = {
	"Dorpsstraat", "Kerkstraat", "Molenweg", "Stationsweg", "Schoolstraat", "Julianalaan",
	"Beatrixstraat", "Industrieweg", "Nieuwstraat", "Marktplein", "Parallelweg", "Havenkade",
	"Lindelaan", "Eikenlaan", "Zuiderweg", "Noorderhaven"};
static const char *const company_kinds[] = {
	"Bouwbedrijf", "Woningcorporatie", "Zorggroep", "Basisschool", "Bakkerij", "Camping",
	"Hotel", "Sportcentrum", "Vastgoed", "Kinderopvang", "Autobedrijf", "Tuincentrum",
	"Installatietechniek", "Architectenbureau", "Gemeente", "VvE"};
static const char *const suppliers[] = {
	"Nederlandse Warmtepomp Import", "Koeltechniek Groothandel Noord", "Isolatie Direct",
	"Leidingwerk Totaal", "Elektro Groothandel Midden", "Zonnepaneel Distributie"};
static const char *const partners[] = {
	"Energieloket Regio", "Duurzaam Wonen Advies", "Hypotheekhuis Groen",
	"Subsidiebureau Warmte"};
static const char *const job_titles[] = {
	"Facilitair manager", "Directeur", "Inkoper", "Huismeester", "Office manager",
	"Projectleider", "Eigenaar", "Technisch beheerder", "Financieel medewerker"};
static const char *const tag_pool[] = {"warmtepomp", "onderhoudscontract", "zakelijk",
				       "particulier", "vip", "subsidie", "storing-gevoelig",
				       "nieuwbouw", "renovatie"};

/* What each role talks about, and which team's people play it. */
static const struct {
	const char *role, *team;
	const char *channels; /* letters: p phone, e email, v visit, d video, c chat, l letter, s social */
	const char *subjects[6];
} roles[] = {
	{"telefonist", "Klantenservice", "ppppcs",
	 {"Storing warmtepomp", "Vraag over onderhoudsafspraak", "Terugbelverzoek",
	  "Geluidsoverlast buitenunit", "Vraag over thermostaat", "Adreswijziging"}},
	{"zaakbehandelaar", "Klantenservice", "eeppl",
	 {"Klacht over installatie", "Garantieaanvraag compressor", "Schadeclaim lekkage",
	  "Tweede storing binnen een maand", "Vervanging onderdeel", "Klacht afgehandeld"}},
	{"clientmanager", "Accountmanagement", "vvdep",
	 {"Kwartaalgesprek contract", "Evaluatie onderhoudscontract", "Uitbreiding installatie",
	  "Jaarplanning onderhoud", "Kennismaking nieuwe contactpersoon", "Contractverlenging"}},
	{"planner", "Planning", "ppeec",
	 {"Inplannen onderhoud", "Afspraak verzet", "Bevestiging installatiedatum",
	  "Monteur later dan gepland", "Inplannen storingsbezoek", "Toegang tot technische ruimte"}},
	{"debiteurenadministratie", "Debiteurenbeheer", "eeplp",
	 {"Betalingsherinnering", "Vraag over factuur", "Betalingsregeling",
	  "Creditnota aangevraagd", "Dubbele incasso", "Factuuradres gewijzigd"}},
	{"servicedesk", "Buitendienst", "pvvep",
	 {"Storingsbezoek uitgevoerd", "Onderhoud uitgevoerd", "Onderdeel besteld",
	  "Installatie opgeleverd", "Inregelen warmtepomp", "Uitleg bediening"}},
	{"verkoop", "Accountmanagement", "eepvd",
	 {"Offerte warmtepomp", "Adviesgesprek", "Offerte nagebeld", "Subsidiemogelijkheden",
	  "Opdrachtbevestiging", "Demonstratie hybride warmtepomp"}},
};

static const char *const summaries[] = {
	"Klant gaf aan dat de **buitenunit** sinds vorige week meer geluid maakt. Foto's gevraagd.",
	"Afspraak bevestigd per e-mail. Klant is *tussen 8 en 12 uur* thuis.",
	"Uitgelegd hoe de stooklijn werkt.\n\n- temperatuur verlaagd\n- klant belt terug als het niet helpt",
	"Klant was ontevreden over de communicatie rond de planning; excuses aangeboden.",
	"Factuur gecontroleerd: het bedrag klopt, de btw-regel was onduidelijk. Toelichting gestuurd.",
	"Contract loopt over drie maanden af; klant wil een voorstel voor verlenging.",
	"Alles in orde, klant is tevreden over de monteur.",
	"Doorgezet naar de planning met **spoed**: geen warm water.",
	"Klant vraagt of de ISDE-subsidie nog geldt; informatie gemaild.",
	"",
};

static char channel_of(char c, const char **out)
{
	switch (c) {
	case 'p': *out = "phone"; break;
	case 'e': *out = "email"; break;
	case 'v': *out = "visit"; break;
	case 'd': *out = "video"; break;
	case 'c': *out = "chat"; break;
	case 'l': *out = "letter"; break;
	default: *out = "social"; break;
	}
	return c;
}

/* A person's email address from their name at domain, ASCII only. */
static void email_of(const char *given_name, const char *family_name, const char *domain,
		     char *out, size_t n)
{
	char local[96];
	size_t w = 0;
	const char *parts[] = {given_name, ".", family_name};
	for (int p = 0; p < 3; p++)
		for (const unsigned char *s = (const unsigned char *)parts[p]; *s && w + 1 < sizeof(local); s++) {
			unsigned char c = *s;
			if (c >= 'A' && c <= 'Z')
				c = (unsigned char)(c - 'A' + 'a');
			if ((c >= 'a' && c <= 'z') || c == '.')
				local[w++] = (char)c;
			else if (c == 0xc3 && s[1]) /* ë, ö, é, ...: their base letter */
				local[w++] = "aaaaaaaceeeeiiiidnoooooxouuuuyty"[s[1] & 0x1f], s++;
		}
	local[w] = '\0';
	snprintf(out, n, "%s@%s", local, domain);
}

struct ctx {
	struct db *db;
	struct actor who;
	const struct demo_user *users;
	size_t n_users;
	int64_t role_ids[N(roles)];
	struct brug_err *err;
};

static int64_t user_in(struct ctx *c, const char *team)
{
	int64_t picks[64];
	size_t n = 0;
	for (size_t i = 0; i < c->n_users && n < N(picks); i++)
		if (!strcmp(c->users[i].team, team))
			picks[n++] = c->users[i].id;
	return n ? picks[rnd((uint32_t)n)] : c->users[0].id;
}

static int relation(struct ctx *c, const char *kind, const char *type, const char *name,
		    const char *gn, const char *fn, int64_t parent, const char *email,
		    int64_t owner, int64_t *id)
{
	char phone[32], street[96], pc[16];
	bool mobile = !strcmp(kind, "person") && rnd(2);
	if (mobile)
		snprintf(phone, sizeof(phone), "06-%08u", rnd(100000000));
	else
		snprintf(phone, sizeof(phone), "0%02u-%07u", 10 + rnd(89), rnd(10000000));
	snprintf(street, sizeof(street), "%s %u", PICK(streets), 1 + rnd(180));
	snprintf(pc, sizeof(pc), "%04u %c%c", 1000 + rnd(8999), 'A' + rnd(26), 'A' + rnd(26));
	json_t *emails = json_pack("[{s:s,s:s}]", "value", email, "label", "");
	json_t *phones = json_pack("[{s:s,s:s}]", "value", phone, "label", mobile ? "mobile" : "");
	json_t *addresses = parent ? json_array()
				   : json_pack("[{s:s,s:s,s:s,s:s,s:s}]", "street", street,
					       "postal_code", pc, "city", PICK(cities), "country",
					       "Nederland", "label", "");
	json_t *tags = json_array();
	for (int i = 0, k = (int)rnd(3); i < k; i++)
		json_array_append_new(tags, json_string(PICK(tag_pool)));
	json_array_append_new(tags, json_string(!strcmp(kind, "person") && !parent ? "particulier"
										   : "zakelijk"));
	struct relation_in in = {
		.kind = kind, .type = type, .name = name, .given_name = gn, .family_name = fn,
		.job_title = parent ? PICK(job_titles) : NULL, .lang = rnd(12) ? "nl" : "en",
		.parent_id = parent, .owner_id = owner, .emails = emails, .phones = phones,
		.addresses = addresses, .tags = tags};
	int rc = relation_create(c->db, &c->who, &in, id, c->err);
	json_decref(emails);
	json_decref(phones);
	json_decref(addresses);
	json_decref(tags);
	return rc;
}

/* Organisations with 1-4 people, private customers, suppliers, partners. */
static int relations(struct ctx *c, int64_t *people, size_t *n_people, size_t cap,
		     int64_t *companies, size_t *n_companies)
{
	int rc = 0;
	char name[160], email[160], domain[96];
	for (int i = 0; !rc && i < 110; i++) {
		const char *fam = PICK(family), *city = PICK(cities);
		snprintf(name, sizeof(name), "%s %s %s", PICK(company_kinds), fam, city);
		snprintf(domain, sizeof(domain), "bedrijf-%d.example", i);
		snprintf(email, sizeof(email), "info@%s", domain);
		int64_t org = 0, owner = user_in(c, "Accountmanagement");
		rc = relation(c, "organisation", rnd(6) ? "customer" : "prospect", name, NULL, NULL, 0,
			      email, owner, &org);
		companies[(*n_companies)++] = org;
		for (int p = 0, k = 1 + (int)rnd(4); !rc && p < k && *n_people < cap; p++) {
			const char *g = PICK(given), *f = PICK(family);
			email_of(g, f, domain, email, sizeof(email));
			rc = relation(c, "person", "customer", NULL, g, f, org, email, owner,
				      &people[*n_people]);
			if (!rc)
				(*n_people)++;
		}
	}
	for (size_t i = 0; !rc && i < N(suppliers) + N(partners); i++) {
		bool sup = i < N(suppliers);
		const char *nm = sup ? suppliers[i] : partners[i - N(suppliers)];
		snprintf(email, sizeof(email), "contact@partner-%zu.example", i);
		int64_t id = 0;
		rc = relation(c, "organisation", sup ? "supplier" : "partner", nm, NULL, NULL, 0, email,
			      0, &id);
	}
	while (!rc && *n_people < cap) {
		const char *g = PICK(given), *f = PICK(family);
		email_of(g, f, rnd(2) ? "mail.example" : "post.example", email, sizeof(email));
		rc = relation(c, "person", rnd(8) ? "customer" : "prospect", NULL, g, f, 0, email,
			      0, &people[*n_people]);
		if (!rc)
			(*n_people)++;
	}
	return rc;
}

static int interactions(struct ctx *c, const int64_t *people, size_t n_people,
			const int64_t *companies, size_t n_companies, int count,
			struct demo_crm_made *made)
{
	int64_t now = clock_now_ms();
	int rc = 0;
	for (int i = 0; !rc && i < count; i++) {
		size_t r = rnd(N(roles));
		const char *channel;
		channel_of(roles[r].channels[rnd((uint32_t)strlen(roles[r].channels))], &channel);
		/* working hours on a weekday, some time in the last year */
		int64_t day = now - (int64_t)(1 + rnd(365)) * DAY_MS;
		int64_t at = day - day % DAY_MS + (7 + (int64_t)rnd(9)) * 3600000 + rnd(3600) * 1000LL;
		uint32_t o = rnd(10);
		struct interaction_in in = {
			.person_id = rnd(8) ? people[rnd((uint32_t)n_people)] : 0,
			.company_id = -1,
			.channel = channel,
			.direction = rnd(3) ? "in" : "out",
			.outcome = o < 7 ? "resolved" : o < 9 ? "follow_up" : "escalated",
			.occurred_at = at,
			.duration_s = !strcmp(channel, "phone") ? 60 + rnd(900)
				      : !strcmp(channel, "visit") ? 1800 + rnd(5400) : 0,
			.user_id = user_in(c, roles[r].team),
			.role_id = c->role_ids[r],
			.subject = roles[r].subjects[rnd(6)],
			.summary = PICK(summaries),
			.source = "demo",
		};
		if (!in.person_id)
			in.company_id = companies[rnd((uint32_t)n_companies)];
		int64_t id = 0;
		rc = interaction_create(c->db, &c->who, &in, &id, c->err);
		if (!rc && in.person_id && made->n_contacts < DEMO_CONTACTS_MAX) {
			made->contacts[made->n_contacts].id = id;
			made->contacts[made->n_contacts].at = at;
			made->contacts[made->n_contacts++].team = roles[r].team;
		}
		if (!rc && !strcmp(in.outcome, "follow_up") && at > now - 30 * DAY_MS) {
			char due[11];
			int64_t d = at + (int64_t)(2 + rnd(10)) * DAY_MS;
			int64_t days = d / DAY_MS, y, m, dd; /* civil from days (Howard Hinnant) */
			days += 719468;
			int64_t era = days / 146097, doe = days - era * 146097;
			int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
			int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
			dd = doy - (153 * mp + 2) / 5 + 1;
			m = mp < 10 ? mp + 3 : mp - 9;
			y = yoe + era * 400 + (m <= 2);
			snprintf(due, sizeof(due), "%04u-%02u-%02u", (unsigned)y % 10000u,
				 (unsigned)m % 100u, (unsigned)dd % 100u);
			struct task_in t = {.title = "Klant terugbellen", .due = due,
					    .assignee_id = in.user_id, .relation_id = -1,
					    .interaction_id = id,
					    .status = rnd(3) ? "open" : "done"};
			int64_t tid = 0;
			rc = task_create(c->db, &c->who, &t, &tid, c->err);
		}
	}
	return rc;
}

int demo_crm_fill(struct db *db, const struct actor *who, const struct demo_user *users,
		  size_t n_users, int people_count, int interaction_count, struct demo_crm_made *made,
		  struct brug_err *err)
{
	struct ctx c = {.db = db, .who = *who, .users = users, .n_users = n_users, .err = err};
	json_t *list = NULL;
	int rc = interaction_roles(db, who->org_id, &list);
	for (size_t r = 0; !rc && r < N(roles); r++) {
		size_t i;
		json_t *e;
		json_array_foreach(list, i, e)
			if (!strcmp(jx_str(e, "name"), roles[r].role))
				c.role_ids[r] = jx_int(e, "id", 0);
	}
	json_decref(list);
	int64_t *people = made->people, companies[256];
	size_t n_companies = 0;
	size_t cap = (size_t)people_count < N(made->people) ? (size_t)people_count : N(made->people);
	made->n_people = made->n_contacts = 0;
	if (!rc)
		rc = relations(&c, people, &made->n_people, cap, companies, &n_companies);
	if (!rc)
		rc = interactions(&c, people, made->n_people, companies, n_companies,
				  interaction_count, made);
	return rc;
}
