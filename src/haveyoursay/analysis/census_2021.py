"""Census 2021 figures for Leicestershire's seven districts, as the Office for National
Statistics first published them.

Source: Office for National Statistics, "Population and household estimates, England and
Wales: Census 2021" (first results, released 28 June 2022), dataset
census2021firstresultsenglandwales1.xlsx, table P01 (usual residents by local authority),
column "All persons", rounded by the ONS to the nearest 100. Open Government Licence v3.0.

How each figure was checked against public reports of that release:

- Leicestershire 712,300 (the county total these districts make): Leicestershire County
  Council news release "Census reveals growing county" (June 2022): "712,300 in the 2021
  census (rounded to the nearest 100)".
- Harborough 97,600: Harborough Mail, "Harborough has seen one of the largest population
  growths in the country" (June 2022).
- Melton 51,800: Melton Times, "Census reveals scale of population rise in Melton borough"
  (June 2022).
- North West Leicestershire 104,700: Coalville Nub News, "Census 2021 shows the increases
  in population and housing across North West Leicestershire over 10 years" (28 June 2022).
- Charnwood 183,900: Leicester Mercury, "Leicestershire population rises by more than
  100,000 in last ten years" (12 July 2022): "In Charnwood, there were 91,900 women compared
  to 92,000 men".
- Blaby 102,900, Hinckley and Bosworth 113,600, Oadby and Wigston 57,800: no report quoting
  the first-results figure itself was found. Each is the unrounded count of the later Census
  2021 table TS001 (November 2022) as secondary sources reproduce it (102,926, 113,642 and
  57,753) rounded to the nearest 100, and with them the seven districts add up to the county
  total above. (The ONS's own area article of January 2023 puts Oadby and Wigston at "around
  57,700"; check these three against table P01 itself when it is to hand.)

There is no age table: the first results give five-year bands (0 to 4, 5 to 9, 10 to 14,
15 to 19, ...), which cannot be regrouped into the questionnaire's "Under 16" and "16 to 24"
without splitting the 15 to 19 band, and no published single-year figures for these
districts were to hand. An age table needs a source whose bands add up to ours exactly.
"""

SOURCE = (
    "Office for National Statistics, Population and household estimates, England and Wales: "
    "Census 2021 (first results, 28 June 2022), table P01: usual residents by local authority, "
    "all persons, rounded to the nearest 100. Open Government Licence v3.0."
)

TITLE = "Leicestershire's districts: usual residents, Census 2021"

# (district, usual residents), in the order the hub lists the districts.
DISTRICT_POPULATIONS = [
    ("Blaby", 102_900),
    ("Charnwood", 183_900),
    ("Harborough", 97_600),
    ("Hinckley and Bosworth", 113_600),
    ("Melton", 51_800),
    ("North West Leicestershire", 104_700),
    ("Oadby and Wigston", 57_800),
]

LEICESTERSHIRE_TOTAL = 712_300
