window.__THAR_CONFIG = {
  "userInfo" : {
    "accountId" : "1447182930462515201",
    "userName" : "cllr_gvoss",
    "displayName" : "Cllr Gareth Voss"
  },
  "archiveInfo" : {
    "sizeBytes" : "48213",
    "generationDate" : "2026-03-09T08:14:52.310Z",
    "isPartialArchive" : false,
    "maxPartSizeBytes" : "53687091200"
  },
  "readmeInfo" : {
    "fileName" : "data/README.txt",
    "directory" : "data/",
    "name" : "README.txt"
  },
  "dataTypes" : {
    "account" : {
      "files" : [
        {
          "fileName" : "data/account.js",
          "globalName" : "YTD.account.part0",
          "count" : "1"
        }
      ]
    },
    "tweets" : {
      "mediaDirectory" : "data/tweets_media",
      "files" : [
        {
          "fileName" : "data/tweets.js",
          "globalName" : "YTD.tweets.part0",
          "count" : "6"
        }
      ]
    }
  }
}
