#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Writes a CSV file of ROWS people for the import benchmark: organisation
# (five people each), given name, family name, a unique email address and
# mobile number, street, postal code, city and a tag; comma-separated, no
# quotes, so bench_import_insert (import_insert.c) reads it too.
#   bench/import-data.sh ROWS FILE
# Then, for the rows per second of both:
#   BUILD/bench/bench_import_insert FILE /tmp/base.db
#   brug init --db /tmp/imp.db --org Bench --admin-email a@b.example
#   time brug import relations FILE --db /tmp/imp.db
set -eu
rows=${1:?usage: import-data.sh ROWS FILE}
out=${2:?usage: import-data.sh ROWS FILE}
awk -v n="$rows" 'BEGIN {
	split("Jan Piet Kees Anna Marieke Sophie Daan Lotte Emma Sem Noah Julia Tess Lucas Finn Mila", first, " ");
	split("Jansen|de Vries|van den Berg|Bakker|Visser|Smit|Meijer|de Boer|Mulder|de Groot|Bos|Vos|Peters|Hendriks", last, "|");
	split("Amsterdam Rotterdam Utrecht Eindhoven Groningen Tilburg Almere Breda Nijmegen Delft", city, " ");
	srand(1);
	print "Bedrijfsnaam,Voornaam,Achternaam,E-mail,Telefoon,Straat,Postcode,Plaats,Labels";
	for (i = 0; i < n; i++) {
		g = first[int(rand() * 16) + 1]; l = last[int(rand() * 14) + 1];
		printf "Bedrijf %d BV,%s,%s,%s.%d@voorbeeld.nl,06%d,Dorpsstraat %d,%d AB,%s,klant\n",
			int(i / 5), g, l, tolower(g), i, 10000000 + i, i % 300, 1000 + i % 8999,
			city[int(rand() * 10) + 1];
	}
}' > "$out"
