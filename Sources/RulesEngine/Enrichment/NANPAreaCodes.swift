// North American Numbering Plan area codes: which country a +1 number is in
// and, for the US and Canada, its time zone.
//
// Covers every geographic area code in service or assigned for an overlay in
// the US and Canada (NANPA lists, 2025) and every Caribbean and Pacific NANP
// member. An area code that spans a zone boundary maps to the zone where most
// of its subscribers live, and the exceptions are noted beside it: 850 is the
// Florida panhandle (Pensacola, Panama City: Central), 219 is north-west
// Indiana (Chicago's suburbs: Central), 270/364 western Kentucky (Central),
// 915 El Paso (Mountain), 208/986 southern Idaho (Boise; the panhandle is
// Pacific), 867 Canada's three territories (Mountain: Yukon keeps -07 all
// year, Nunavut is mostly Eastern and Central). Non-geographic codes (500,
// 8xx toll-free, 900 ...) tell nothing and are not listed.

/// Area code lookups for +1 numbers.
enum NANPAreaCodes {
    /// Where an area code is: its country and, in the US and Canada, its zone
    /// (other members have a single zone, taken from CountryZoneTable).
    struct Entry: Sendable, Hashable {
        let country: String
        let zone: String?
    }

    /// Area code (3 digits) → entry.
    static let table: [String: Entry] = {
        var table: [String: Entry] = [:]
        for (country, zone, codes) in unitedStates + canada {
            for code in codes.split(separator: " ") { table[String(code)] = Entry(country: country, zone: zone) }
        }
        for (code, country) in otherMembers { table[code] = Entry(country: country, zone: nil) }
        return table
    }()

    static let unitedStates: [(String, String, String)] = [
        ("US", "America/Chicago", "205 251 256 334 659 938"),                           // AL
        ("US", "America/Anchorage", "907"),                                               // AK
        ("US", "America/Phoenix", "480 520 602 623 928"),                                 // AZ (no DST)
        ("US", "America/Chicago", "327 479 501 870"),                                     // AR
        ("US", "America/Los_Angeles", "209 213 279 310 323 341 350 357 369 408 415 424 442 510 530 559"
            + " 562 619 626 628 650 657 661 669 707 714 738 747 760 805 818 820 831 840 858 909 916"
            + " 925 949 951"),                                                            // CA
        ("US", "America/Denver", "303 719 720 970 983"),                                  // CO
        ("US", "America/New_York", "203 475 860 959"),                                    // CT
        ("US", "America/New_York", "302"),                                                // DE
        ("US", "America/New_York", "202 771"),                                            // DC
        ("US", "America/New_York", "239 305 321 324 352 386 407 561 645 656 689 727 728 754 772 786"
            + " 813 863 904 941 954"),                                                    // FL
        ("US", "America/Chicago", "448 850"),                                             // FL panhandle
        ("US", "America/New_York", "229 404 470 478 678 706 762 770 912 943"),            // GA
        ("US", "Pacific/Honolulu", "808"),                                                // HI
        ("US", "America/Boise", "208 986"),                                               // ID
        ("US", "America/Chicago", "217 224 309 312 331 447 464 618 630 708 730 773 779 815 847 861"
            + " 872"),                                                                    // IL
        ("US", "America/Indiana/Indianapolis", "260 317 463 574 765 812 930"),            // IN
        ("US", "America/Chicago", "219"),                                                 // IN north-west
        ("US", "America/Chicago", "319 515 563 641 712"),                                 // IA
        ("US", "America/Chicago", "316 620 785 913"),                                     // KS
        ("US", "America/Kentucky/Louisville", "502"),                                     // KY Louisville
        ("US", "America/New_York", "606 859"),                                            // KY east
        ("US", "America/Chicago", "270 364"),                                             // KY west
        ("US", "America/Chicago", "225 318 337 504 985"),                                 // LA
        ("US", "America/New_York", "207"),                                                // ME
        ("US", "America/New_York", "227 240 301 410 443 667"),                            // MD
        ("US", "America/New_York", "339 351 413 508 617 774 781 857 978"),                // MA
        ("US", "America/Detroit", "231 248 269 313 517 586 616 679 734 810 906 947 989"), // MI
        ("US", "America/Chicago", "218 320 507 612 651 763 924 952"),                     // MN
        ("US", "America/Chicago", "228 601 662 769"),                                     // MS
        ("US", "America/Chicago", "314 417 557 573 636 660 816 975"),                     // MO
        ("US", "America/Denver", "406"),                                                  // MT
        ("US", "America/Chicago", "308 402 531"),                                         // NE
        ("US", "America/Los_Angeles", "702 725 775"),                                     // NV
        ("US", "America/New_York", "603"),                                                // NH
        ("US", "America/New_York", "201 551 609 640 732 848 856 862 908 973"),            // NJ
        ("US", "America/Denver", "505 575"),                                              // NM
        ("US", "America/New_York", "212 315 329 332 347 363 516 518 585 607 624 631 646 680 716 718"
            + " 838 845 914 917 929 934"),                                                // NY
        ("US", "America/New_York", "252 336 472 704 743 828 910 919 980 984"),            // NC
        ("US", "America/Chicago", "701"),                                                 // ND
        ("US", "America/New_York", "216 220 234 283 326 330 380 419 436 440 513 567 614 740 937"), // OH
        ("US", "America/Chicago", "405 539 572 580 918"),                                 // OK
        ("US", "America/Los_Angeles", "458 503 541 971"),                                 // OR
        ("US", "America/New_York", "215 223 267 272 412 445 484 570 582 610 717 724 814 835 878"), // PA
        ("US", "America/New_York", "401"),                                                // RI
        ("US", "America/New_York", "803 821 839 843 854 864"),                            // SC
        ("US", "America/Chicago", "605"),                                                 // SD
        ("US", "America/New_York", "423 865"),                                            // TN east
        ("US", "America/Chicago", "615 629 731 901 931"),                                 // TN
        ("US", "America/Chicago", "210 214 254 281 325 346 361 409 430 432 469 512 682 713 726 737"
            + " 806 817 830 832 903 936 940 945 956 972 979"),                            // TX
        ("US", "America/Denver", "915"),                                                  // TX El Paso
        ("US", "America/Denver", "385 435 801"),                                          // UT
        ("US", "America/New_York", "802"),                                                // VT
        ("US", "America/New_York", "276 434 540 571 686 703 757 804 826 948"),            // VA
        ("US", "America/Los_Angeles", "206 253 360 425 509 564"),                         // WA
        ("US", "America/New_York", "304 681"),                                            // WV
        ("US", "America/Chicago", "262 274 353 414 534 608 715 920"),                     // WI
        ("US", "America/Denver", "307"),                                                  // WY
    ]

    static let canada: [(String, String, String)] = [
        ("CA", "America/Vancouver", "236 250 257 604 672 778"),                           // BC
        ("CA", "America/Edmonton", "368 403 587 780 825"),                                // AB
        ("CA", "America/Regina", "306 474 639"),                                          // SK (no DST)
        ("CA", "America/Winnipeg", "204 431 584"),                                        // MB
        ("CA", "America/Toronto", "226 249 289 343 365 382 416 437 519 548 613 647 683 705 742 753"
            + " 807 905 942"),                                                            // ON
        ("CA", "America/Toronto", "263 354 367 418 438 450 468 514 579 581 819 873"),     // QC
        ("CA", "America/Moncton", "428 506"),                                             // NB
        ("CA", "America/Halifax", "782 902"),                                             // NS, PE
        ("CA", "America/St_Johns", "709 879"),                                            // NL
        ("CA", "America/Edmonton", "867"),                                                // YT, NT, NU
    ]

    /// NANP members other than the US and Canada, each with a single zone.
    static let otherMembers: [(String, String)] = [
        ("242", "BS"), ("246", "BB"), ("264", "AI"), ("268", "AG"), ("284", "VG"), ("340", "VI"),
        ("345", "KY"), ("441", "BM"), ("473", "GD"), ("649", "TC"), ("658", "JM"), ("876", "JM"),
        ("664", "MS"), ("670", "MP"), ("671", "GU"), ("684", "AS"), ("721", "SX"), ("758", "LC"),
        ("767", "DM"), ("784", "VC"), ("787", "PR"), ("939", "PR"), ("809", "DO"), ("829", "DO"),
        ("849", "DO"), ("868", "TT"), ("869", "KN"),
    ]
}
