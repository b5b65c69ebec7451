window.YTD.account.part0 = [
  {
    "account" : {
      "email" : "gareth.voss@example.org",
      "createdVia" : "web",
      "username" : "cllr_gvoss",
      "accountId" : "1447182930462515201",
      "createdAt" : "2021-10-10T18:42:11.000Z",
      "accountDisplayName" : "Cllr Gareth Voss"
    }
  }
]
