#include "shared/token.h"
