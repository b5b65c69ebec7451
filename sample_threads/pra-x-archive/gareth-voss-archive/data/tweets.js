window.YTD.tweets.part0 = [
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "2028894496480256546"
          ],
          "editableUntil" : "2026-03-03T19:05:17.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : true
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities" : {
        "hashtags" : [],
        "symbols" : [],
        "user_mentions" : [],
        "urls" : []
      },
      "display_text_range" : [
        "0",
        "93"
      ],
      "favorite_count" : "2",
      "id_str" : "2028894496480256546",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "2028894496480256546",
      "created_at" : "Tue Mar 03 18:05:17 +0000 2026",
      "favorited" : false,
      "full_text" : "Long day. Proud of the work our councillors do for Eastgate, whatever some people say online.",
      "lang" : "en"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "2028835469159252124"
          ],
          "editableUntil" : "2026-03-03T15:10:44.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : false
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities" : {
        "hashtags" : [],
        "symbols" : [],
        "user_mentions" : [
          {
            "name" : "Idris Fenwick",
            "screen_name" : "idrisf_ward7",
            "indices" : [
              "0",
              "13"
            ],
            "id_str" : "1602938471650293761",
            "id" : "1602938471650293761"
          }
        ],
        "urls" : []
      },
      "display_text_range" : [
        "0",
        "64"
      ],
      "favorite_count" : "1",
      "id_str" : "2028835469159252124",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "2028835469159252124",
      "created_at" : "Tue Mar 03 14:10:44 +0000 2026",
      "favorited" : false,
      "full_text" : "@idrisf_ward7 Stay out of it, Idris. This is between me and her.",
      "lang" : "en",
      "in_reply_to_status_id_str" : "2028833397014810767",
      "in_reply_to_user_id" : "1602938471650293761",
      "in_reply_to_status_id" : "2028833397014810767",
      "in_reply_to_screen_name" : "idrisf_ward7",
      "in_reply_to_user_id_str" : "1602938471650293761"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "2028828094952341608"
          ],
          "editableUntil" : "2026-03-03T14:41:26.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : false
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities" : {
        "hashtags" : [],
        "symbols" : [],
        "user_mentions" : [
          {
            "name" : "Tamsin Okonedo-Hale",
            "screen_name" : "tamsin_oh_left",
            "indices" : [
              "0",
              "15"
            ],
            "id_str" : "1290384756102938475",
            "id" : "1290384756102938475"
          }
        ],
        "urls" : []
      },
      "display_text_range" : [
        "0",
        "80"
      ],
      "favorite_count" : "3",
      "id_str" : "2028828094952341608",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "2028828094952341608",
      "created_at" : "Tue Mar 03 13:41:26 +0000 2026",
      "favorited" : false,
      "full_text" : "@tamsin_oh_left This is abuse. I've reported you to the party's compliance unit.",
      "lang" : "en",
      "in_reply_to_status_id_str" : "2028824680476549198",
      "in_reply_to_user_id" : "1290384756102938475",
      "in_reply_to_status_id" : "2028824680476549198",
      "in_reply_to_screen_name" : "tamsin_oh_left",
      "in_reply_to_user_id_str" : "1290384756102938475"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "2028822721582510145"
          ],
          "editableUntil" : "2026-03-03T14:20:05.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : false
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities" : {
        "hashtags" : [],
        "symbols" : [],
        "user_mentions" : [
          {
            "name" : "Tamsin Okonedo-Hale",
            "screen_name" : "tamsin_oh_left",
            "indices" : [
              "0",
              "15"
            ],
            "id_str" : "1290384756102938475",
            "id" : "1290384756102938475"
          }
        ],
        "urls" : []
      },
      "display_text_range" : [
        "0",
        "137"
      ],
      "favorite_count" : "4",
      "id_str" : "2028822721582510145",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "2028822721582510145",
      "created_at" : "Tue Mar 03 13:20:05 +0000 2026",
      "favorited" : false,
      "full_text" : "@tamsin_oh_left Passed by a rabble of Trots who joined last month to stack the room. The dogs in that meeting don't speak for this party.",
      "lang" : "en",
      "in_reply_to_status_id_str" : "2028818216587677735",
      "in_reply_to_user_id" : "1290384756102938475",
      "in_reply_to_status_id" : "2028818216587677735",
      "in_reply_to_screen_name" : "tamsin_oh_left",
      "in_reply_to_user_id_str" : "1290384756102938475"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "2028779920519623189"
          ],
          "editableUntil" : "2026-03-03T11:30:00.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : true
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities" : {
        "hashtags" : [],
        "symbols" : [],
        "user_mentions" : [],
        "urls" : []
      },
      "display_text_range" : [
        "0",
        "101"
      ],
      "favorite_count" : "3",
      "id_str" : "2028779920519623189",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "2028779920519623189",
      "created_at" : "Tue Mar 03 10:30:00 +0000 2026",
      "favorited" : false,
      "full_text" : "Ward surgery this Saturday 10–12 at St Anne's hall. Bring your questions about the bus route changes.",
      "lang" : "en"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "2028397915740144136"
          ],
          "editableUntil" : "2026-03-02T10:12:03.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : true
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities" : {
        "hashtags" : [],
        "symbols" : [],
        "user_mentions" : [],
        "urls" : []
      },
      "display_text_range" : [
        "0",
        "103"
      ],
      "favorite_count" : "5",
      "id_str" : "2028397915740144136",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "2028397915740144136",
      "created_at" : "Mon Mar 02 09:12:03 +0000 2026",
      "favorited" : false,
      "full_text" : "Bin collections on Harrow Lane are back to Tuesdays from next week. Thanks to the crews for sorting it.",
      "lang" : "en"
    }
  }
]
