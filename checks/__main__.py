from checks.main import main

raise SystemExit(main())
