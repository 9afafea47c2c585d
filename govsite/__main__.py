from govsite.cli.main import main

raise SystemExit(main())
