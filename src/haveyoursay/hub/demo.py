"""Demo content: the consultations on Leicestershire County Council's "You said, we did" page (2022).

The text is the council's own (public-sector information from the source documents in
/work/shared/seeds), reflowed into Markdown and otherwise left as the council wrote it. Nothing
here is made up: where the council's page gives no event or document, there is none. Where it
gives no contact, the council's Policy Team stands in (`COUNCIL_CONTACT`, the contact the
council's own engagement report gives), so that every consultation has what its publishing
checklist asks for; the privacy notice is the council's own wording from the End of life care
survey, with its mention of that survey's chapters left out where it is used for the others.

Eight consultations closed in 2022 keep their real dates. Two more have dates relative to the
day the demo is loaded, so that the hub always has something open and something forthcoming:

- the second engagement on the cycling and walking plans, which the page lists as
  "Date: TBC 2022 (Engagement 2)": open;
- the formal consultation on the Pharmaceutical Needs Assessments that the "Pharmacy services
  2022" entry announces: forthcoming.

Areas: a consultation about the whole county (or wider) is tagged with every Leicestershire
district, so that a resident filtering by their district sees it; the cycling and walking plans
are tagged with the districts of the Loughborough area (Charnwood) and the south of Leicester
area (Blaby, Oadby and Wigston) only.

The documents are small generated PDFs standing in for the council's real ones: the sizes the
site shows are those of these small files, not the council's.

`load_demo()` can be run any number of times: it creates what is missing, puts right what
differs, and leaves everything else as it is.
"""

import datetime
import textwrap
from collections import Counter

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from haveyoursay.hub import models
from haveyoursay.hub.models import Area, Consultation, Document, PartnerBody, Topic

# -- Who, what and where -----------------------------------------------------------------------

LEICESTER_CITY_COUNCIL = "Leicester City Council"
LEICESTERSHIRE_COUNTY_COUNCIL = "Leicestershire County Council"
RUTLAND_COUNTY_COUNCIL = "Rutland County Council"
# The three CCGs of Leicester, Leicestershire and Rutland, as named in the seed documents
# (002: the engagement report's stakeholder list; 003: "The three clinical commissioning groups
# (CCG) in Leicester, Leicestershire and Rutland (NHS East Leicestershire and Rutland CCG, NHS
# Leicester City CCG and West Leicestershire CCG)").
LEICESTER_CITY_CCG = "Leicester City Clinical Commissioning Group"
WEST_LEICESTERSHIRE_CCG = "West Leicestershire Clinical Commissioning Group"
EAST_LEICESTERSHIRE_AND_RUTLAND_CCG = "East Leicestershire and Rutland Clinical Commissioning Group"
# "The three local Health and Wellbeing Boards are asking people across Leicester,
# Leicestershire and Rutland": the seeds name only Leicestershire's board, so the three are one
# entry, in the page's own words, rather than two guessed names.
HEALTH_AND_WELLBEING_BOARDS = "Health and Wellbeing Boards for Leicester, Leicestershire and Rutland"
LEICESTERSHIRE_WASTE_PARTNERSHIP = "Leicestershire Waste Partnership"

PARTNER_BODIES = {
    LEICESTER_CITY_COUNCIL: PartnerBody.Kind.COUNCIL,
    LEICESTERSHIRE_COUNTY_COUNCIL: PartnerBody.Kind.COUNCIL,
    RUTLAND_COUNTY_COUNCIL: PartnerBody.Kind.COUNCIL,
    LEICESTER_CITY_CCG: PartnerBody.Kind.NHS,
    WEST_LEICESTERSHIRE_CCG: PartnerBody.Kind.NHS,
    EAST_LEICESTERSHIRE_AND_RUTLAND_CCG: PartnerBody.Kind.NHS,
    HEALTH_AND_WELLBEING_BOARDS: PartnerBody.Kind.PARTNERSHIP,
    LEICESTERSHIRE_WASTE_PARTNERSHIP: PartnerBody.Kind.PARTNERSHIP,
}

HEALTH_AND_SOCIAL_CARE = "Health and social care"
ENVIRONMENT_AND_CLIMATE = "Environment and climate"
TRANSPORT_AND_ROADS = "Transport and roads"
COMMUNITIES = "Communities"
COUNCIL_PLANS_AND_BUDGETS = "Council plans and budgets"
WASTE_AND_RECYCLING = "Waste and recycling"

TOPICS = [
    COMMUNITIES,
    COUNCIL_PLANS_AND_BUDGETS,
    ENVIRONMENT_AND_CLIMATE,
    HEALTH_AND_SOCIAL_CARE,
    TRANSPORT_AND_ROADS,
    WASTE_AND_RECYCLING,
]

BLABY = "Blaby"
CHARNWOOD = "Charnwood"
HARBOROUGH = "Harborough"
HINCKLEY_AND_BOSWORTH = "Hinckley and Bosworth"
MELTON = "Melton"
NORTH_WEST_LEICESTERSHIRE = "North West Leicestershire"
OADBY_AND_WIGSTON = "Oadby and Wigston"

# Leicestershire's seven districts. A consultation about the whole county gets them all.
ALL_DISTRICTS = [
    BLABY,
    CHARNWOOD,
    HARBOROUGH,
    HINCKLEY_AND_BOSWORTH,
    MELTON,
    NORTH_WEST_LEICESTERSHIRE,
    OADBY_AND_WIGSTON,
]
# "The Loughborough area and south of Leicester area are our current areas of focus."
LCWIP_DISTRICTS = [BLABY, CHARNWOOD, OADBY_AND_WIGSTON]

MAIN = Document.Kind.MAIN
SUMMARY = Document.Kind.SUMMARY
EASY_READ = Document.Kind.EASY_READ
SUPPORTING = Document.Kind.SUPPORTING

DEMONSTRATION_NOTICE = "Demonstration copy: the real document is published by the council."


def _d(year, month, day):
    return datetime.date(year, month, day)


def _midday(day):
    """Noon on `day` where the council is: a moment for something the records date only by day."""
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=timezone.get_current_timezone())


# -- The consultations ---------------------------------------------------------------------------
#
# Each is a dict. Dates are either fixed (`opens_on`, `closes_on`) or relative to the day the
# demo is loaded (`opens_in_days`, `closes_in_days`). `follows` is the slug of the earlier stage.
# `publish_outcome` is true where the council's page has "You said" or "We did".

CONSULTATIONS = [
    {
        "slug": "joint-carers-strategy-2022-2025",
        "title": "Leicester, Leicestershire and Rutland (LLR) draft Joint Carers Strategy 2022 - 2025",
        "summary": (
            "We are consulting and seeking feedback on the refreshed Joint Carers Strategy 2022-2025 and "
            "Leicestershire’s action plan. We are seeking feedback about our priorities and our commitments in "
            "relation to those priorities."
        ),
        "opens_on": _d(2022, 6, 6),
        "closes_on": _d(2022, 7, 31),
        "partners": [
            LEICESTER_CITY_COUNCIL,
            LEICESTERSHIRE_COUNTY_COUNCIL,
            RUTLAND_COUNTY_COUNCIL,
            LEICESTER_CITY_CCG,
            WEST_LEICESTERSHIRE_CCG,
            EAST_LEICESTERSHIRE_AND_RUTLAND_CCG,
        ],
        "topics": [HEALTH_AND_SOCIAL_CARE],
        "areas": ALL_DISTRICTS,
        "we_asked": """\
Looking after a person that you care about is something that many of us want to do. Caring can be very rewarding, helping a person develop or re-learn skills, or simply helping to make sure your loved one is as well and supported as they can be.

The draft Joint Carers Strategy 2022-2025 sets out a shared vision and priorities for recognising, valuing and supporting carers by Leicester City Council, Leicestershire County Council, Rutland County Council and the Clinical Commissioning Groups (CCGs) for Leicester, Leicestershire and Rutland.

The strategy reflects recent legislation and national guidance with regards to the role and duties of Local Authorities and NHS bodies towards carers. The strategy also seeks to respond to the issues related to caring that have been highlighted locally and set out how the partners signed up to this strategy will work together to address these.

You may recall last year we asked for your help to review the carers strategy and provide information on key areas important to you. The responses we received highlighted which priorities people feel are important within the strategy, and what areas require further focus.

### What are we consulting on?

We are consulting and seeking feedback on the refreshed Joint Carers Strategy 2022-2025 and Leicestershire’s action plan. We are seeking feedback about our priorities and our commitments in relation to those priorities.

The draft strategy sets out 8 key priorities to support carers across LLR to continue in their caring role and to maintain their own health and wellbeing, these are:

- Carer identification
- Carers are valued and involved
- Carers are Informed
- Carer friendly communities
- Carers have a life alongside caring
- Care with Confidence
- Carers can access the right support at the right time
- Supporting Young Carers

Each of these is explained fully in the strategy along with the proposed actions.

Each partner will support these key priorities through their own individual action plans, based around their carers offer.
""",
        "you_said": "",
        "we_did": "",
        "what_happens_next": """\
After the consultation closes in July, we'll analyse the results and share with cabinet and residents in autumn 2022.

The survey outcomes, the final refreshed strategy and an action plan for Leicestershire will be discussed by members of the council's Adults and Communities Overview and Scrutiny Committee and Cabinet in the autumn.
""",
        # From the launch release (seed 004).
        "respond_other": (
            "Views are being sought through an online questionnaire and via targeted group consultation with "
            "carers, particularly those who are currently accessing support from the county council."
        ),
        "documents": [
            {"title": "Strategy and consultation summary", "kind": SUMMARY},
            {"title": "LLR Carers Strategy", "kind": MAIN},
            {"title": "Draft action plan", "kind": SUPPORTING},
            {"title": "Carers Strategy - easy read format", "kind": EASY_READ},
        ],
    },
    {
        "slug": "net-zero-strategy-and-action-plan-2045",
        "title": "Net zero strategy and action plan 2045",
        "summary": (
            "Leicestershire County Council launched its consultation on Leicestershire’s 2045 Net Zero Strategy "
            "and Action Plan for 12 weeks from May to July 2022."
        ),
        "opens_on": _d(2022, 5, 4),
        "closes_on": _d(2022, 7, 26),
        "partners": [LEICESTERSHIRE_COUNTY_COUNCIL],
        "topics": [ENVIRONMENT_AND_CLIMATE],
        "areas": ALL_DISTRICTS,
        "we_asked": """\
Leicestershire County Council launched its consultation on Leicestershire’s 2045 Net Zero Strategy and Action Plan for 12 weeks from May to July 2022. The purpose of the consultation was to:

- a) Inform residents and stakeholders about climate change and the need to reduce carbon emissions urgently
- b) Invite residents and stakeholders across Leicestershire to have their say on the draft strategy and action plan
- c) Test agreement between the priority objectives and themes
- d) Openly discuss working together to deliver the net zero target, build productive relationships and invite others to pledge support
- e) Hear diverse views on carbon reduction actions

The Strategy takes a long-term view – looking ahead to 2045, setting out the end goal of net zero carbon by 2045 with interim targets and outlines how we intend to do this. The Action Plan includes what the council will do and where it aims to inspire and involve others such as businesses, organisations, and residents.

The key themes of the draft strategy and action plan, which were consulted on, include:

- Reducing carbon emissions generated by transport
- Reducing energy use in buildings – plus improving energy efficiency and adding new renewable energy generation
- Supporting businesses to go green and grow the low carbon economy
- Supporting communities to tackle climate change
- Increasing the removal and storage of carbon in natural systems like soil and forests

Also see supporting documents below.
""",
        "you_said": "",
        "we_did": "",
        "what_happens_next": """\
The outputs of the consultation are currently being reviewed to help shape the final 2045 Net Zero Strategy and Action Plan. Once available, the consultation summary will be available to download under Supporting documents and this page updated to demonstrate what you said and we did.

While the consultation is now closed; you can still get in touch with us via netzero@leics.gov.uk to share your ideas about how we can achieve Net Zero Leicestershire.
""",
        "respond_email": "netzero@leics.gov.uk",
        "contact_email": "netzero@leics.gov.uk",
        "documents": [
            {"title": "Draft Net Zero Strategy and Action Plan", "kind": MAIN},
            {"title": "2045 Strategy and Action Plan Consultation Summary", "kind": SUPPORTING},
        ],
    },
    {
        "slug": "end-of-life-care-and-support-services",
        "privacy_notice": (
            "Your responses will be stored in line with the Data Protection Act 2018. Where you have shared your "
            "experiences, responses may be used in the JSNA chapters and other work in the form of anonymous quotes "
            "to help illustrate key issues that have been highlighted through this piece of engagement."
        ),
        "title": "End of life care and support services in Leicestershire and Rutland",
        "summary": (
            "Your views will help us to assess the current and future health and social care needs for local "
            "people in this stage of life and can be used to improve how the councils provide health and social "
            "care services for residents."
        ),
        "opens_on": _d(2022, 6, 8),
        "closes_on": _d(2022, 7, 13),
        "partners": [LEICESTERSHIRE_COUNTY_COUNCIL, RUTLAND_COUNTY_COUNCIL],
        "topics": [HEALTH_AND_SOCIAL_CARE],
        "areas": ALL_DISTRICTS,
        "we_asked": """\
Next of kin may receive an additional invitation to complete another survey for deaths which occurred in hospital between 1 June and 31 August.

Your views will help us to assess the current and future health and social care needs for local people in this stage of life and can be used to improve how the councils provide health and social care services for residents.

As part of this work, we have developed a survey to help better understand the experiences and priorities of those who:

- have experienced a bereavement within the past 3 years
- either currently or have previously been a carer for a friend or family member nearing the end of life
- currently work as a formal carer for someone approaching the end of life, or in end of life/palliative care services

As well as contributing to the JSNA, feedback that we receive may be used by Leicestershire and Rutland County Councils in other pieces of work aimed at improving the support available for those nearing the end of life, their loved ones, and those delivering care.

Your responses will be stored in line with the Data Protection Act 2018. Where you have shared your experiences, responses may be used in the JSNA chapters and other work in the form of anonymous quotes to help illustrate key issues that have been highlighted through this piece of engagement.

We recognise that this survey covers sensitive and emotional subjects, so please feel free to stop and leave the survey at any time (please note though that you will be unable to save your progress if leaving the survey). If you feel that you require support, please consider visiting the Dying Matters website which provides a wealth of information on matters relating to topics discussed in this survey. This includes providing contact details for sources of carer and bereavement support.
""",
        "you_said": "",
        "we_did": "",
        "what_happens_next": """\
We aim to complete the JSNA on 'End of Life' by Autumn 2022, after which they will be made publicly available.
""",
        "documents": [],
    },
    {
        "slug": "pharmacy-services-2022",
        "title": "Pharmacy services 2022",
        "summary": (
            "The three local Health and Wellbeing Boards are asking people across Leicester, Leicestershire and "
            "Rutland for their views on pharmacy services and usage."
        ),
        "opens_on": _d(2022, 2, 28),
        "closes_on": _d(2022, 4, 21),
        "partners": [HEALTH_AND_WELLBEING_BOARDS],
        "topics": [HEALTH_AND_SOCIAL_CARE],
        "areas": ALL_DISTRICTS,
        "we_asked": """\
The three local Health and Wellbeing Boards are asking people across Leicester, Leicestershire and Rutland for their views on pharmacy services and usage.

The survey will help the NHS to plan for the future and ensure that local pharmacies offer high quality and accessible services. We are also interested in your views on how pharmacy services can be improved.

What you tell us will inform the three Pharmaceutical Needs Assessments (PNAs) for Leicester, Leicestershire and Rutland. Every three years, pharmaceutical needs assessments (PNAs) are carried out around the country to ensure that local community pharmacies –“chemist shops” - are meeting the pharmaceutical needs of local people. There will be a formal consultation in summer 2022.
""",
        "you_said": "",
        "we_did": "",
        "what_happens_next": """\
We are reviewing the feedback received and will publish more information in due course.

The responses to the survey will inform the Pharmaceutical Needs Assessments for Leicestershire, Leicester and Rutland, helping to ensure that local pharmacies are able to provide the services that local people need.

We will be formally consulting on the PNA this summer, which will be announced via our social media and Current engagement page.
""",
        "documents": [],
    },
    {
        "slug": "resources-and-waste-strategy-2022-2050",
        "title": "Leicestershire's Resources and Waste Strategy 2022-2050",
        "summary": (
            "The strategy examines what happens to your recycling and waste and how this can help reduce climate "
            "change and save raw materials."
        ),
        "opens_on": _d(2022, 1, 31),
        "closes_on": _d(2022, 4, 25),
        "partners": [LEICESTERSHIRE_COUNTY_COUNCIL, LEICESTERSHIRE_WASTE_PARTNERSHIP],
        "topics": [WASTE_AND_RECYCLING, ENVIRONMENT_AND_CLIMATE],
        "areas": ALL_DISTRICTS,
        "we_asked": """\
The strategy examines what happens to your recycling and waste and how this can help reduce climate change and save raw materials.

The way we view ‘waste’ has changed. It is no longer something to just get rid of, but is potentially a valuable resource to be retained and reused or better still avoided altogether. Using the resources from waste can help to reduce the raw materials we need for producing new goods, which in turn has environmental, social and financial benefits.

The strategy has 11 pledges that sit alongside the government’s proposed national changes to waste collections in order to meet the 65% national recycling target by 2035.

The draft pledges include:

- supporting and encouraging waste prevention
- delivering reuse services
- separate food waste collections
- reducing waste sent to landfill to less than 5% by 2025

Each pledge is explained further in the full strategy and summary documents.
""",
        "you_said": "",
        "we_did": "",
        "what_happens_next": """\
We are reviewing the feedback received and will publish more information in due course.

We will report the results back to the Leicestershire Waste Partnership and each council will feed back through their own decision-making processes over the summer and autumn 2022.
""",
        "documents": [
            {"title": "Summary of Draft Resources and Waste Strategy 2022-2050", "kind": SUMMARY},
            {"title": "Draft Resources and Waste Strategy 2022-2050", "kind": MAIN},
            {"title": "Options Appraisal", "kind": SUPPORTING},
            {"title": "Environmental Report", "kind": SUPPORTING},
        ],
    },
    {
        "slug": "strategic-plan-2022-2026",
        "title": "Leicestershire County Council Strategic Plan 2022-2026",
        "summary": (
            "The council consulted a wide range of stakeholders including council officers and elected members, "
            "citizens, community groups and partners to identify the extent to which there was agreement with its "
            "long-term vision for Leicestershire and its priorities for 2022-26."
        ),
        "opens_on": _d(2021, 11, 1),
        "closes_on": _d(2022, 2, 18),
        "partners": [LEICESTERSHIRE_COUNTY_COUNCIL],
        "topics": [COUNCIL_PLANS_AND_BUDGETS],
        "areas": ALL_DISTRICTS,
        "we_asked": """\
The council consulted a wide range of stakeholders including council officers and elected members, citizens, community groups and partners to identify the extent to which there was agreement with its long-term vision for Leicestershire and its priorities for 2022-26. The consultation included a public survey, interactive presentations including live polls and direct engagement through meetings and focus groups.
""",
        "you_said": """\
The public survey received 259 responses, and further direct engagement with council officers through an interactive presentation led to further 200 responses. There were also many more responses received from stakeholders through direct meetings and focus group sessions. There was a high level of support for the council’s vision (79% of public survey respondents agreed with the outcomes and only 10% disagreed). The outcome with the least, albeit still substantial, support was the ‘Strong Economy, Transport and Infrastructure’ outcome (68% survey respondents agreed and 17% disagreed). The reasons for this are set out in Appendix A.

There was a suggestion to reduce the length of the document and to add further clarification around what the council is specifically aiming to achieve over the next four years.

Some suggested that the Plan should more clearly differentiate between those aspirations for which the council would have the lead responsibility, and those where it would have a contributing/partnership role; specifying which partners it would work with to deliver the actions in the Plan.

Some highlighted concerns that the ‘Clean and Green’ outcome, which reflects the council’s aspirations to protect the environment and tackle climate change, may not be entirely compatible with the ‘Strong Economy, Transport and Infrastructure’ outcome, which sets out its vision to have a productive, inclusive and sustainable economy and infrastructure which meets the demands of a growing population and economy. This appeared to be primarily due to concerns that there would be housebuilding in greenfield areas.
""",
        # The council's page goes on to list the key changes; the demo has each of them as an entry,
        # against what people said (`outcomes/demo_we_did.py`, from the Cabinet's report), which the
        # page shows after this, so the list is not given twice.
        "we_did": """\
There were several key findings from the consultation which are outlined in further detail in Appendix A. The key changes made to the Plan in response are set out below, each against what people said.
""",
        "what_happens_next": "",
        "publish_outcome": True,
        # The council's page gives no date for its response, nor do the other seeds; it is
        # dated the decision it followed, the Cabinet's of 29 March 2022 approving the Plan
        # in the light of the consultation (`outcomes/demo_we_did.py`).
        "outcome_published_on": _d(2022, 3, 29),
        "documents": [],
    },
    {
        "slug": "communities-approach-2022-2026",
        "title": "Leicestershire Communities Approach 2022-2026",
        "summary": (
            "The county council is committed to collaborating with, and working alongside, Leicestershire "
            "Communities and this commitment is central to our Communities Approach which sets out our proposed "
            "way of working with communities over the coming years."
        ),
        "opens_on": _d(2021, 11, 1),
        "closes_on": _d(2022, 2, 18),
        "partners": [LEICESTERSHIRE_COUNTY_COUNCIL],
        "topics": [COMMUNITIES],
        "areas": ALL_DISTRICTS,
        "we_asked": """\
Our communities make living and working in Leicestershire special. They are vital to supporting our health and wellbeing and provide many of the opportunities for people to contribute and support others. The Covid-19 pandemic showed how powerful community action can be and how much can be achieved by the skills, strengths and resources of communities.

The county council is committed to collaborating with, and working alongside, Leicestershire Communities and this commitment is central to our Communities Approach which sets out our proposed way of working with communities over the coming years.

The key principles of this Approach are:

- Prevention - how the whole council works towards providing preventative and self-help support
- Engagement - building trusting relationships to collaboratively define and design local solutions
- Catalysts - supporting voluntary organisations and town and parish councils to provide local services and activities
""",
        "you_said": "",
        "we_did": "",
        "what_happens_next": """\
You will be able to find out about the feedback the council received and read the Cabinet Report and final document. They will be available on this page in Spring 2022.

Whilst the official survey is now closed, you can still get in touch with us to give your views and help with the development of the Council's Approach.
""",
        # "If you need help reading the document, or still want to give your views, please email
        # communities@leics.gov.uk or call 0116 305 7743."
        "respond_email": "communities@leics.gov.uk",
        "respond_phone": "0116 305 7743",
        "contact_email": "communities@leics.gov.uk",
        "contact_phone": "0116 305 7743",
        "documents": [
            {"title": "Draft Communities Approach 2022-2026", "kind": MAIN},
            {"title": "Communities Approach 2022-2026 - easy read", "kind": EASY_READ},
        ],
    },
    {
        "slug": "local-cycling-and-walking-infrastructure-plans-engagement-1",
        "title": "Local Cycling and Walking Infrastructure Plans (LCWIPs): Engagement 1",
        "summary": (
            "Map based forum engagement on draft cycling and walking networks for the Loughborough area and south "
            "of Leicester area."
        ),
        "opens_on": _d(2022, 1, 20),
        "closes_on": _d(2022, 2, 20),
        "partners": [LEICESTERSHIRE_COUNTY_COUNCIL],
        "topics": [TRANSPORT_AND_ROADS],
        "areas": LCWIP_DISTRICTS,
        "we_asked": """\
In 2021, following the adoption of our Cycling and Walking Strategy and Action Plan, we are now in the process of developing Cycling and Walking Infrastructure Plans for county towns and the urban areas surrounding Leicester City. The Loughborough area and south of Leicester area are our current areas of focus.

During the first engagement, we asked for feedback on the draft key cycling and walking networks for the Loughborough area and south of Leicester area through a map based forum.

We invited feedback on:

- The draft key cycling and walking network, eg. were there key routes missing that lots of people currently use, or could use if improved, or did you feel a change to a route was needed.
- Comments on types of infrastructure improvements you would like to see on the cycling and walking network – eg. dedicated cycle lanes, junction improvements, benches etc.
- Other feedback you thought would be of value in developing the Local Cycling and Walking Infrastructure Plans for these areas

Feedback on these draft plans will be used to help shape the final Local Cycling and Walking Infrastructure Plans (LCWIPs) for these areas. These plans set out the vision and priorities for cycling and walking improvements in these areas to create convenient and practical cycling and walking networks to help and encourage people to travel more sustainably.
""",
        "you_said": """\
For our map based forum engagement for the Loughborough area there were over 800 visits to the engagement portal with 158 comments, and for the south of Leicester area there were 750 visits and 114 comments. These comments included lots of useful enthusiastic feedback on the draft networks, and the infrastructure people would like to see in these areas.

You will be able to see a summary of the comments given as part of this engagement following further detailed analysis.
""",
        "we_did": """\
Feedback received is being considered alongside the data evidence collated as part of the LCWIP development process, to help shape and create an updated network plan and identify potential concept plans of infrastructure for inclusion in the final draft LCWIP.

There will be further opportunity to provide feedback on the final draft LCWIP later in 2022, and a summary of engagement will be available to view on this page.
""",
        "what_happens_next": "",
        "publish_outcome": True,
        # Neither the council's page nor the other seeds date this response, and no meeting considered
        # the engagement. It reports the comments the map forum had when it closed on 20 February 2022
        # and looks ahead to a second engagement "later in 2022": it is dated the next day.
        "outcome_published_on": _d(2022, 2, 21),
        "documents": [
            {"title": "Cycling and Walking Strategy", "kind": SUPPORTING},
            {"title": "Action Plan", "kind": SUPPORTING},
        ],
    },
    # -- Dates relative to the day the demo is loaded ------------------------------------------
    {
        # The page lists it as "Date: TBC 2022 (Engagement 2)". Open, so the hub has one.
        "slug": "local-cycling-and-walking-infrastructure-plans-engagement-2",
        "title": "Local Cycling and Walking Infrastructure Plans (LCWIPs): Engagement 2",
        "summary": (
            "Engagement on Draft Local Cycling and Walking Infrastructure Plans (LCWIPs). The Loughborough area and "
            "south of Leicester area are our current areas of focus."
        ),
        "opens_in_days": -14,
        "closes_in_days": 28,
        "follows": "local-cycling-and-walking-infrastructure-plans-engagement-1",
        "partners": [LEICESTERSHIRE_COUNTY_COUNCIL],
        "topics": [TRANSPORT_AND_ROADS],
        "areas": LCWIP_DISTRICTS,
        "we_asked": """\
In 2021, following the adoption of our Cycling and Walking Strategy and Action Plan, we are now in the process of developing Cycling and Walking Infrastructure Plans for county towns and the urban areas surrounding Leicester City. The Loughborough area and south of Leicester area are our current areas of focus.

During the first engagement, we asked for feedback on the draft key cycling and walking networks for the Loughborough area and south of Leicester area through a map based forum. Feedback received is being considered alongside the data evidence collated as part of the LCWIP development process, to help shape and create an updated network plan and identify potential concept plans of infrastructure for inclusion in the final draft LCWIP.

This engagement is the further opportunity to provide feedback on the final draft LCWIP.

These plans set out the vision and priorities for cycling and walking improvements in these areas to create convenient and practical cycling and walking networks to help and encourage people to travel more sustainably.
""",
        "you_said": "",
        "we_did": "",
        "what_happens_next": """\
Feedback on these draft plans will be used to help shape the final Local Cycling and Walking Infrastructure Plans (LCWIPs) for these areas. A summary of engagement will be available to view on this page.
""",
        "documents": [
            {"title": "Cycling and Walking Strategy", "kind": SUPPORTING},
            {"title": "Action Plan", "kind": SUPPORTING},
        ],
    },
    {
        # "There will be a formal consultation in summer 2022." / "We will be formally consulting on
        # the PNA this summer". Forthcoming, so the hub has one.
        "slug": "pharmaceutical-needs-assessments",
        "title": "Pharmaceutical Needs Assessments (PNAs) for Leicester, Leicestershire and Rutland",
        "summary": (
            "Every three years, pharmaceutical needs assessments (PNAs) are carried out around the country to "
            "ensure that local community pharmacies –“chemist shops” - are meeting the pharmaceutical needs of "
            "local people."
        ),
        "opens_in_days": 21,
        "closes_in_days": 81,
        "follows": "pharmacy-services-2022",
        "partners": [HEALTH_AND_WELLBEING_BOARDS],
        "topics": [HEALTH_AND_SOCIAL_CARE],
        "areas": ALL_DISTRICTS,
        "we_asked": """\
Every three years, pharmaceutical needs assessments (PNAs) are carried out around the country to ensure that local community pharmacies –“chemist shops” - are meeting the pharmaceutical needs of local people.

The responses to the survey will inform the Pharmaceutical Needs Assessments for Leicestershire, Leicester and Rutland, helping to ensure that local pharmacies are able to provide the services that local people need.

We will be formally consulting on the PNA, which will be announced via our social media and Current engagement page.
""",
        "you_said": "",
        "we_did": "",
        "what_happens_next": "",
        "documents": [],
    },
]

# The council's Policy Team, as its engagement report (seeds/002) gives it: the contact and the
# address for paper responses of a consultation whose page names no other.
COUNCIL_CONTACT = {
    "contact_name": "Policy Team, Leicestershire County Council",
    "contact_email": "policy@leics.gov.uk",
    "contact_phone": "0116 305 6803",
}
COUNCIL_POST = """\
Policy Team
Strategy and Business Intelligence Branch
Chief Executive's Department
Leicestershire County Council
County Hall
Glenfield
Leicester
LE3 8RA"""
PRIVACY_NOTICE = (
    "Your responses will be stored in line with the Data Protection Act 2018. Where you have shared your "
    "experiences, responses may be used in the form of anonymous quotes to help illustrate key issues that have "
    "been highlighted through this piece of engagement."
)
# What every notice of the council's needs beyond the words on its pages: the lawful basis,
# how long the information is kept (the page adds the date from the consultation's retention
# period) and residents' rights.
LAWFUL_BASIS_AND_RIGHTS = (
    "Leicestershire County Council is the data controller for the information you give. Our lawful basis is "
    "that consulting you is a task carried out in the public interest (UK GDPR Article 6(1)(e)). The questions "
    "about you, such as ethnicity, religion or disability, are optional and used only to check we have heard "
    "from a wide range of people (Article 9(2)(g), substantial public interest: equality of opportunity).\n\n"
    "Your name, contact details and any personal details in your comments are removed at the end of the period "
    "shown below; the anonymous counts in the published report are kept.\n\n"
    "You can ask for a copy of the information we hold about you, ask us to correct it or delete your response, "
    "or object to how we use it: contact the team named on this page, giving your response's reference if you "
    "have it. We reply within one month. You can complain to the Information Commissioner's Office: "
    "ico.org.uk/make-a-complaint or 0303 123 1113."
)
RESPOND_FIELDS = ("respond_online_url", "respond_email", "respond_phone", "respond_post", "respond_other")


def with_stand_ins(values):
    """The values, with the council's own contact, address and privacy notice where the
    consultation's page gives none."""
    values = dict(values)
    if not (values.get("contact_email") or values.get("contact_phone")):
        values.update(COUNCIL_CONTACT)
    if not any(values.get(field) for field in RESPOND_FIELDS):
        values["respond_post"] = COUNCIL_POST
    values["privacy_notice"] = (values.get("privacy_notice") or PRIVACY_NOTICE) + "\n\n" + LAWFUL_BASIS_AND_RIGHTS
    return values


# The text fields `load_demo` sets from the data (blank when the data leaves them out).
TEXT_FIELDS = (
    "title",
    "summary",
    "we_asked",
    "you_said",
    "we_did",
    "what_happens_next",
    "respond_online_url",
    "respond_email",
    "respond_phone",
    "respond_post",
    "respond_other",
    "contact_name",
    "contact_email",
    "contact_phone",
    "privacy_notice",
)


# -- The stand-in documents ----------------------------------------------------------------------


def _pdf_string(text):
    """`text` as a PDF literal string in WinAnsi (cp1252), with its special characters escaped."""
    raw = text.encode("cp1252", errors="replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def demo_pdf(title):
    """A one-page A4 PDF showing `title` and the demonstration notice. The same title always
    gives the same bytes."""
    lines = [(18, 24, line) for line in textwrap.wrap(title, 48)] or [(18, 24, "Document")]
    lines.append((11, 30, DEMONSTRATION_NOTICE))
    content = [b"BT", b"72 770 Td"]
    for index, (size, leading, line) in enumerate(lines):
        if index:
            content.append(b"0 -%d Td" % leading)
        content.append(b"/F1 %d Tf %s Tj" % (size, _pdf_string(line)))
    content.append(b"ET")
    stream = b"\n".join(content) + b"\n"

    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n%sendstream" % (len(stream), stream),
        b"<< /Title %s /Producer (haveyoursay demo content) >>" % _pdf_string(title),
    ]
    pdf = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref_at = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        pdf += b"%010d 00000 n \n" % offset
    pdf += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref_at,
    )
    return bytes(pdf)


def _save_demo_file(document):
    document.file.save(f"{document.title}.pdf", ContentFile(demo_pdf(document.title)), save=False)
    document.save()


# -- Loading -------------------------------------------------------------------------------------


def _label(model, name, counts, **fields):
    """The label called `name`, made if missing and put right if its other fields differ."""
    label, created = model.objects.get_or_create(name=name, defaults=fields)
    if created:
        counts["created"] += 1
    elif any(getattr(label, key) != value for key, value in fields.items()):
        for key, value in fields.items():
            setattr(label, key, value)
        label.save()
        counts["updated"] += 1
    else:
        counts["unchanged"] += 1
    return label


def _set_related(manager, objects):
    """Make the relation hold exactly `objects`; whether it changed."""
    before = set(manager.values_list("pk", flat=True))
    after = {obj.pk for obj in objects}
    if before != after:
        manager.set(objects)
        return True
    return False


def _load_documents(consultation, specs, counts):
    for position, spec in enumerate(specs):
        document = consultation.documents.filter(title=spec["title"]).order_by("pk").first()
        if document is None:
            document = Document(consultation=consultation, title=spec["title"], kind=spec["kind"], position=position)
            _save_demo_file(document)
            counts["created"] += 1
        elif not document.file.name or not document.file.storage.exists(document.file.name):
            # The file has gone (a wiped media folder): make it again.
            document.kind, document.position = spec["kind"], position
            _save_demo_file(document)
            counts["updated"] += 1
        elif (document.kind, document.position) != (spec["kind"], position):
            document.kind, document.position = spec["kind"], position
            document.save()
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1


def _dates(data, on):
    if "opens_in_days" in data:
        return (
            on + datetime.timedelta(days=data["opens_in_days"]),
            on + datetime.timedelta(days=data["closes_in_days"]),
        )
    return data["opens_on"], data["closes_on"]


def load_demo(today=None):
    """Load the demo content, creating what is missing and putting right what differs.

    `today` is the day the relative dates count from (today in Europe/London by default).
    Returns how many of each kind of thing were created, updated or left unchanged, as
    {"consultations": Counter(created=…, updated=…, unchanged=…), "documents": …,
    "partner bodies": …, "topics": …, "areas": …}.
    """
    on = today or models.today()
    summary = {name: Counter() for name in ("consultations", "documents", "partner bodies", "topics", "areas")}
    with transaction.atomic():
        partners = {
            name: _label(PartnerBody, name, summary["partner bodies"], kind=kind)
            for name, kind in PARTNER_BODIES.items()
        }
        topics = {name: _label(Topic, name, summary["topics"]) for name in TOPICS}
        areas = {name: _label(Area, name, summary["areas"]) for name in ALL_DISTRICTS}

        by_slug = {}
        for data in CONSULTATIONS:
            opens_on, closes_on = _dates(data, on)
            values = with_stand_ins({field: data.get(field, "") for field in TEXT_FIELDS})
            values.update(
                opens_on=opens_on,
                closes_on=closes_on,
                follows=by_slug[data["follows"]] if data.get("follows") else None,
            )
            consultation = Consultation.private_objects.filter(slug=data["slug"]).first()
            created = consultation is None
            changed = False
            if created:
                consultation = Consultation(slug=data["slug"], **values)
                consultation.save()
            elif any(getattr(consultation, field) != value for field, value in values.items()):
                for field, value in values.items():
                    setattr(consultation, field, value)
                consultation.save()
                changed = True
            changed |= _set_related(consultation.partners, [partners[name] for name in data["partners"]])
            changed |= _set_related(consultation.topics, [topics[name] for name in data["topics"]])
            changed |= _set_related(consultation.areas, [areas[name] for name in data["areas"]])
            if not consultation.is_published:
                consultation.publish()
                changed = True
            if data.get("publish_outcome"):
                published_on = data.get("outcome_published_on")
                at = _midday(published_on) if published_on else None
                if consultation.outcome_published_at is None:
                    consultation.publish_outcome(at=at)
                    changed = True
                elif at is not None and consultation.outcome_published_at != at:
                    consultation.outcome_published_at = at  # a demo loaded before it carried the date
                    consultation.save(update_fields=["outcome_published_at", "updated_at"])
                    changed = True
            _load_documents(consultation, data["documents"], summary["documents"])
            by_slug[data["slug"]] = consultation
            summary["consultations"]["created" if created else "updated" if changed else "unchanged"] += 1
    return summary


def describe(summary):
    """One line: "consultations: 10 created, 0 updated, 0 unchanged; documents: …"."""
    return "; ".join(
        f"{name}: {counts['created']} created, {counts['updated']} updated, {counts['unchanged']} unchanged"
        for name, counts in summary.items()
    )
